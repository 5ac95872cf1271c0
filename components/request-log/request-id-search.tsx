import type { ReactNode } from 'react';
import { Input } from '@/components/ui/input';

/**
 * A search form that takes one Request ID (a GET form: the ID goes in the query string, so the result is a
 * link). The customer's request log and support's console both use it; `message` replaces the hint when what
 * was typed is not a Request ID or finds nothing.
 */
export function RequestIdSearch({
  id,
  action,
  name,
  label,
  formLabel,
  defaultValue,
  message,
  hint,
  button,
  invalid = message !== null,
}: {
  id: string;
  action: string;
  name: string;
  label: string;
  formLabel: string;
  defaultValue: string;
  message: string | null;
  hint: string;
  button: ReactNode;
  /** Whether the field is marked invalid; by default when there is a message. */
  invalid?: boolean;
}) {
  const hintId = `${id}-hint`;
  return (
    // biome-ignore lint/a11y/useSemanticElements: a form with role search is what every screen reader knows; <search> is too new
    <form role="search" action={action} className="max-w-xl" aria-label={formLabel}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      <div className="mt-1.5 flex gap-2">
        <Input
          id={id}
          name={name}
          type="search"
          defaultValue={defaultValue}
          placeholder="req_…"
          autoComplete="off"
          spellCheck={false}
          className="font-mono"
          aria-invalid={invalid}
          aria-describedby={hintId}
        />
        {button}
      </div>
      <p id={hintId} aria-live="polite" className={`mt-1.5 text-xs ${message ? 'text-red-700' : 'text-slate-500'}`}>
        {message ?? hint}
      </p>
    </form>
  );
}
