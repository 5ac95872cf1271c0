'use client';

import { toast } from 'sonner';
import { FormDialog } from '@/components/ui/form-dialog';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { KIND_WORDS, forKind } from '@/lib/credentials/credential-kinds';
import { setCredentialScopesAction } from '../actions';
import type { CredentialDialogProps } from './dialog-props';
import { ScopeFields, scopesOf } from './scope-fields';

export function ScopesDialog({ secret, open, onOpenChange }: CredentialDialogProps) {
  const { pending, error, run } = useDialogAction(open);
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Edit scopes"
      description={
        <>
          Which scopes <span className="font-medium text-slate-900">{secret.name}</span> may request.{' '}
          {forKind(
            'Tokens the secret obtains from now on carry only these; tokens it already obtained keep theirs until they expire.',
            secret.kind,
          )}
        </>
      }
      submitLabel="Save scopes"
      pending={pending}
      error={error}
      onSubmit={(form) =>
        run(
          () => setCredentialScopesAction({ credentialId: secret.id, scopes: scopesOf(form) }),
          (result) => {
            toast.success(
              `${KIND_WORDS[secret.kind].label} ${secret.name} may request ${result.scopes.join(' and ')}.`,
            );
            onOpenChange(false);
          },
        )
      }
    >
      <ScopeFields idPrefix={`scopes-${secret.id}`} defaultScopes={secret.scopes} error={error?.fieldErrors?.scopes} />
    </FormDialog>
  );
}
