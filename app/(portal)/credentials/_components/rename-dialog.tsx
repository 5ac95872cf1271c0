'use client';

import { toast } from 'sonner';
import { FormDialog } from '@/components/ui/form-dialog';
import { Field } from '@/components/ui/input';
import { renameCredentialAction } from '../actions';
import type { CredentialDialogProps } from './dialog-props';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';

export function RenameDialog({ secret, open, onOpenChange }: CredentialDialogProps) {
  const { pending, error, run } = useDialogAction(open);
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Rename ${KIND_WORDS[secret.kind].one}`}
      description={
        secret.kind === 'SECRET' ? (
          <>
            A name tells your secrets apart; the value <span className="font-mono">{secret.preview}</span> does not
            change.
          </>
        ) : (
          <>
            A name tells your credentials apart; <span className="font-mono">{secret.preview}</span> does not change.
          </>
        )
      }
      submitLabel="Save"
      pending={pending}
      error={error}
      onSubmit={(form) =>
        run(
          () => renameCredentialAction({ credentialId: secret.id, name: String(form.get('name') ?? '') }),
          (result) => {
            toast.success(`${KIND_WORDS[secret.kind].label} renamed to “${result.name}”.`);
            onOpenChange(false);
          },
        )
      }
    >
      <Field
        id={`rename-${secret.id}`}
        name="name"
        label="Name"
        defaultValue={secret.name}
        maxLength={64}
        required
        autoFocus
        error={error?.fieldErrors?.name}
      />
    </FormDialog>
  );
}
