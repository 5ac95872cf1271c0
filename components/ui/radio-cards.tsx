'use client';

/**
 * One choice out of a few, as a labelled group of radio buttons drawn as cards in two columns; the chosen card
 * is outlined. The value is held by the caller (the dialogs show more fields depending on it).
 */
export function RadioCards<T extends string | number>({
  legend,
  name,
  options,
  value,
  onChange,
  className,
}: {
  legend: string;
  name: string;
  options: readonly { value: T; label: string }[];
  value: T;
  onChange: (value: T) => void;
  className?: string;
}) {
  return (
    <fieldset className={className}>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {options.map((option) => (
          <label
            key={option.value}
            className="flex items-center gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-slate-200 has-checked:ring-2 has-checked:ring-indigo-600"
          >
            <input
              type="radio"
              name={name}
              value={option.value}
              checked={value === option.value}
              onChange={() => onChange(option.value)}
            />
            {option.label}
          </label>
        ))}
      </div>
    </fieldset>
  );
}
