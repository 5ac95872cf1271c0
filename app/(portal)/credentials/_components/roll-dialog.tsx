'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogTitle,
  DialogActions,
  DialogError,
} from '@/components/ui/dialog';
import { rollSecretAction } from '../actions';
import type { CreatedSecret } from './secret-created-dialog';
import type { SecretRow } from '@/components/secrets/secret-row';
import { useDialogAction } from '@/components/actions/use-dialog-action';

const GRACE = [
  { seconds: 0, label: 'Now' },
  { seconds: 3600, label: 'In 1 hour' },
  { seconds: 86_400, label: 'In 24 hours' },
  { seconds: 604_800, label: 'In 7 days' },
] as const;

export function RollDialog({
  secret,
  open,
  onOpenChange,
  onRolled,
}: {
  secret: SecretRow;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onRolled: (created: CreatedSecret) => void;
}) {
  const { pending, error, run } = useDialogAction(open);
  const [grace, setGrace] = useState<number>(86_400);

  return (
    <Dialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <DialogContent>
        <DialogTitle>Roll secret</DialogTitle>
        <DialogDescription>
          Creates an active replacement for <span className="font-medium text-slate-900">{secret.name}</span> and shows
          it once. Choose when the current secret stops working, so that you can deploy the new one first.
        </DialogDescription>
        <fieldset className="mt-5">
          <legend className="text-sm font-medium text-slate-700">Current secret stops working</legend>
          <div className="mt-2 grid gap-2 sm:grid-cols-2">
            {GRACE.map((option) => (
              <label
                key={option.seconds}
                className="flex items-center gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-slate-200 has-checked:ring-2 has-checked:ring-indigo-600"
              >
                <input
                  type="radio"
                  name="grace"
                  checked={grace === option.seconds}
                  onChange={() => setGrace(option.seconds)}
                />
                {option.label}
              </label>
            ))}
          </div>
        </fieldset>
        <DialogError message={error?.message} />
        <DialogActions>
          <Button variant="secondary" onClick={() => onOpenChange(false)} disabled={pending}>
            Cancel
          </Button>
          <Button
            disabled={pending}
            onClick={() =>
              run(
                () => rollSecretAction({ secretId: secret.id, graceSeconds: grace }),
                (result) => {
                  onOpenChange(false);
                  onRolled({
                    ...result.secret,
                    value: result.plaintext,
                    rolled: { oldName: secret.name, deactivateAt: result.deactivateAt },
                  });
                },
              )
            }
          >
            Roll secret
          </Button>
        </DialogActions>
      </DialogContent>
    </Dialog>
  );
}
