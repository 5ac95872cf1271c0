import type { ComponentProps, ReactNode } from 'react';
import { cn } from '@/lib/utils';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return (
    <input
      className={cn(
        'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset',
        'placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-500',
        className,
      )}
      {...props}
    />
  );
}

export function FieldError({ id, message }: { id: string; message?: string | null }) {
  return (
    <p id={id} aria-live="polite" className="mt-1.5 min-h-5 text-sm text-red-700">
      {message}
    </p>
  );
}

/**
 * A labelled text input with an optional hint and its error, linked by aria-describedby; the error is
 * announced where it appears. Other input attributes pass through (not a password manager's business:
 * autocomplete and spell-checking are off unless given).
 */
export function Field({
  id,
  label,
  hint,
  error,
  optional = false,
  mono = false,
  className,
  ...input
}: Omit<ComponentProps<'input'>, 'id' | 'className'> & {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  optional?: boolean;
  mono?: boolean;
  /** The wrapper's classes (its spacing in the form). */
  className?: string;
}) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
        {optional && <span className="font-normal text-slate-500"> (optional)</span>}
      </label>
      <Input
        autoComplete="off"
        spellCheck={false}
        {...input}
        id={id}
        className={mono ? 'mt-1.5 font-mono text-xs sm:text-sm' : 'mt-1.5'}
        aria-invalid={!!error}
        aria-describedby={hint ? `${id}-hint ${id}-error` : `${id}-error`}
      />
      {hint && (
        <p id={`${id}-hint`} className="mt-1.5 text-xs text-slate-500">
          {hint}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
