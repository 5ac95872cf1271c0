'use client';

import { FieldError } from '@/components/ui/input';
import { CREDENTIAL_SCOPES, SCOPE_DESCRIPTIONS } from '@/lib/credentials/scopes';

/** The scopes chosen in a form, as its checkboxes send them. */
export function scopesOf(form: FormData): string[] {
  return form.getAll('scopes').map(String);
}

/**
 * The scope checkboxes of the create and edit forms: each named by its scope ("sdk", "api") and described by
 * what it opens. At least one must stay checked; the command says so next to them otherwise.
 */
export function ScopeFields({
  idPrefix,
  defaultScopes = CREDENTIAL_SCOPES,
  error,
  legend = 'Scopes',
  className,
}: {
  idPrefix: string;
  defaultScopes?: readonly string[];
  error?: string;
  legend?: string;
  className?: string;
}) {
  const errorId = `${idPrefix}-scopes-error`;
  return (
    <fieldset aria-describedby={errorId} className={className}>
      <legend className="text-sm font-medium text-slate-700">{legend}</legend>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        {CREDENTIAL_SCOPES.map((scope) => (
          <label
            key={scope}
            className="flex items-start gap-2.5 rounded-md px-3 py-2 text-sm ring-1 ring-slate-200 has-checked:ring-2 has-checked:ring-indigo-600"
          >
            <input
              type="checkbox"
              name="scopes"
              value={scope}
              defaultChecked={defaultScopes.includes(scope)}
              aria-labelledby={`${idPrefix}-scope-${scope}-name`}
              aria-describedby={`${idPrefix}-scope-${scope}`}
              aria-invalid={!!error}
              className="mt-0.5"
            />
            <span className="min-w-0">
              <span id={`${idPrefix}-scope-${scope}-name`} className="block font-mono font-medium text-slate-900">
                {scope}
              </span>
              <span id={`${idPrefix}-scope-${scope}`} className="block text-xs text-slate-600">
                {SCOPE_DESCRIPTIONS[scope]}
              </span>
            </span>
          </label>
        ))}
      </div>
      <FieldError id={errorId} message={error} />
    </fieldset>
  );
}
