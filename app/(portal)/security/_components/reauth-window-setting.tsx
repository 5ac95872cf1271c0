'use client';

import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import { DialogError } from '@/components/ui/dialog';
import { REAUTH_WINDOW_CHOICES, describeWindow } from '@/lib/identity/reauth';
import { setReauthWindowAction } from '../account-actions';
import { UNREACHABLE } from '@/components/actions/unreachable';

/** The organization's "sudo mode" window: how long a confirmation of identity opens sensitive actions. */
export function ReauthWindowSetting({ minutes }: { minutes: number }) {
  const ensure = useReauth();
  const [value, setValue] = useState(minutes);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function save() {
    setError(null);
    startTransition(async () => {
      const result = await ensure(() => setReauthWindowAction({ minutes: value })).catch(() => UNREACHABLE);
      if (result.ok) toast.success(`Sensitive actions now ask again after ${describeWindow(value)}.`);
      else setError(result.message);
    });
  }

  return (
    <div>
      <label htmlFor="reauth-window" className="block text-sm font-medium text-slate-900">
        Ask again for sensitive actions after
      </label>
      <p id="reauth-window-help" className="mt-1 text-sm text-slate-600">
        Creating, rolling and activating secrets, changing allowed addresses or two-factor settings ask for a password
        or second factor when the last one is older than this.
      </p>
      <div className="mt-2 flex flex-col gap-2 sm:flex-row sm:items-center">
        <select
          id="reauth-window"
          value={value}
          onChange={(event) => setValue(Number(event.target.value))}
          aria-describedby="reauth-window-help"
          className="block rounded-md border-0 py-2 pr-8 pl-3 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
        >
          {REAUTH_WINDOW_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {describeWindow(choice)}
            </option>
          ))}
        </select>
        <Button variant="secondary" onClick={save} disabled={pending || value === minutes}>
          Save
        </Button>
      </div>
      <DialogError message={error} />
    </div>
  );
}
