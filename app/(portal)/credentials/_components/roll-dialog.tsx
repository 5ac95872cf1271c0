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
import type { CredentialRow } from '@/components/credentials/credential-row';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { RadioCards } from '@/components/ui/radio-cards';

/** When the current secret stops working, in seconds from now. */
const GRACE = [
  { value: 0, label: 'Now' },
  { value: 3600, label: 'In 1 hour' },
  { value: 86_400, label: 'In 24 hours' },
  { value: 604_800, label: 'In 7 days' },
] as const;

export function RollDialog({
  secret,
  open,
  onOpenChange,
  onRolled,
}: {
  secret: CredentialRow;
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
        <RadioCards
          legend="Current secret stops working"
          name="grace"
          options={GRACE}
          value={grace}
          onChange={setGrace}
          className="mt-5"
        />
        <DialogError message={error?.message} />
        <DialogActions>
          <Button variant="secondary" onClick={() => onOpenChange(false)} disabled={pending}>
            Cancel
          </Button>
          <Button
            disabled={pending}
            onClick={() =>
              run(
                () => rollSecretAction({ credentialId: secret.id, graceSeconds: grace }),
                (result) => {
                  onOpenChange(false);
                  onRolled({
                    ...result.secret,
                    value: result.plaintext,
                    // Without a grace period it stops now, whichever clock the account runs on.
                    rolled: { oldName: secret.name, deactivateAt: grace === 0 ? null : result.deactivateAt },
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
