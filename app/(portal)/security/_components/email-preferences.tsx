'use client';

import { useOptimistic, useState } from 'react';
import { setEmailPreferenceAction } from '../account-actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { MAIL_CATEGORIES, MAIL_CATEGORY_LABELS } from '@/lib/events/mail';

/** "Email me about …": one box per category of organization email, each saved when it is ticked. */
export function EmailPreferences({ preferences }: { preferences: Record<string, boolean> }) {
  const { pending, error, run } = useDialogAction();
  const [saved, setSaved] = useState(preferences);
  const [shown, setShown] = useOptimistic(saved);

  function toggle(category: string, enabled: boolean) {
    run(
      async () => {
        setShown({ ...shown, [category]: enabled });
        return setEmailPreferenceAction({ category, enabled });
      },
      (result) => setSaved((current) => ({ ...current, [category]: result.enabled })),
    );
  }

  return (
    <div className="border-t border-slate-200 px-4 py-4 sm:px-6">
      <fieldset aria-describedby="email-preferences-error">
        <legend className="text-sm font-medium text-slate-900">Email me about …</legend>
        <ul className="mt-3 grid gap-3 sm:grid-cols-2">
          {MAIL_CATEGORIES.map((category) => {
            const words = MAIL_CATEGORY_LABELS[category] ?? { label: category, hint: '' };
            const id = `email-${category.replace(/\W/g, '-')}`;
            return (
              <li key={category} className="flex items-start gap-3">
                <input
                  id={id}
                  type="checkbox"
                  checked={shown[category] ?? true}
                  disabled={pending}
                  aria-describedby={`${id}-hint`}
                  onChange={(event) => toggle(category, event.target.checked)}
                  className="mt-0.5 size-4 shrink-0 rounded border-slate-300 text-indigo-600 accent-indigo-600 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60"
                />
                <div className="min-w-0">
                  <label htmlFor={id} className="text-sm font-medium text-slate-900">
                    {words.label}
                  </label>
                  <p id={`${id}-hint`} className="text-sm text-slate-600">
                    {words.hint}
                  </p>
                </div>
              </li>
            );
          })}
        </ul>
        <p id="email-preferences-error" role="alert" className="mt-3 text-sm text-red-700 empty:hidden">
          {error?.message}
        </p>
      </fieldset>
    </div>
  );
}
