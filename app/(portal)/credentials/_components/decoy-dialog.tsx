'use client';

import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { makeDecoyAction } from '../actions';
import type { CredentialDialogProps } from './dialog-props';
import { useDialogAction } from '@/components/actions/use-dialog-action';

export function DecoyDialog({ secret, open, onOpenChange }: CredentialDialogProps) {
  const { pending, error, run } = useDialogAction(open);
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Make this secret a decoy?"
      description={
        <>
          <span className="font-medium text-slate-900">{secret.name}</span> (
          <span className="font-mono">{secret.preview}</span>) will never be valid. Plant it where a leak would expose
          it (a config file, a repository): anyone who tries it gets an ordinary error, and your admins get an alarm
          with their address. This cannot be undone.
        </>
      }
      pending={pending}
      error={error?.message}
      confirmLabel="Make decoy"
      variant="primary"
      onConfirm={() =>
        run(
          () => makeDecoyAction({ credentialId: secret.id }),
          () => {
            toast.success(`Secret ${secret.name} is now a decoy.`);
            onOpenChange(false);
          },
        )
      }
    />
  );
}
