'use client';

import { useOptimistic, useState } from 'react';
import { setTwoFactorRequirementAction } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';

/** Admins only: whether the organization's admins must have a second factor to manage credentials. */
export function RequireTwoFactorSetting({ required }: { required: boolean }) {
  const { pending, error, run } = useDialogAction();
  const [saved, setSaved] = useState(required);
  const [shown, setShown] = useOptimistic(saved);
  return (
    <div className="flex items-start justify-between gap-4">
      <div className="min-w-0">
        <p id="require-2fa-label" className="text-sm font-medium text-slate-900">
          Require two-factor for admins
        </p>
        <p id="require-2fa-description" className="mt-1 text-sm text-slate-600">
          Admins without two-factor authentication are sent to set it up before they can manage secrets. Viewers are not
          affected.
        </p>
        <p role="alert" className="mt-1 text-sm text-red-700 empty:hidden">
          {error?.message}
        </p>
      </div>
      <button
        type="button"
        role="switch"
        aria-checked={shown}
        aria-labelledby="require-2fa-label"
        aria-describedby="require-2fa-description"
        disabled={pending}
        onClick={() =>
          run(
            async () => {
              setShown(!shown);
              return setTwoFactorRequirementAction({ required: !shown });
            },
            (result) => setSaved(result.required),
          )
        }
        className="relative mt-0.5 inline-flex h-6 w-11 shrink-0 cursor-pointer rounded-full bg-slate-200 transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 disabled:opacity-60 aria-checked:bg-indigo-600"
      >
        <span
          aria-hidden
          className={`pointer-events-none m-0.5 inline-block size-5 rounded-full bg-white shadow transition-transform ${shown ? 'translate-x-5' : 'translate-x-0'}`}
        />
      </button>
    </div>
  );
}
