'use client';

import { useRouter } from 'next/navigation';
import { ShieldCheck } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { createSecretAction } from '../actions';
import { ScopeFields, scopesOf } from './scope-fields';
import { SecretCreatedDialog, type CreatedSecret } from './secret-created-dialog';
import { useAfterRender } from '@/components/actions/use-after-render';

/**
 * A secret limited to some scopes from the start: the scopes are chosen first, then the value is shown once
 * in the same dialog as "Add Secret" shows it (whose one click creates a secret with every scope).
 */
export function AddRestrictedSecretButton({ atLimit }: { atLimit: boolean }) {
  const router = useRouter();
  const afterRender = useAfterRender();
  const [open, setOpen] = useState(false);
  const { pending, error, run } = useDialogAction(open);
  const [created, setCreated] = useState<CreatedSecret | null>(null);

  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)} disabled={atLimit} aria-describedby="secret-allowance">
        <ShieldCheck className="size-4" aria-hidden />
        Add restricted secret
      </Button>
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title="Restricted secret"
        description="Choose what the new secret may do. Tokens it obtains carry only these scopes, and a request for another scope is refused. You can change them later with Edit scopes."
        submitLabel="Create secret"
        pending={pending}
        error={error}
        onSubmit={(form) =>
          run(
            () => createSecretAction({ scopes: scopesOf(form) }),
            (result) => {
              // The value goes to the show-once dialog alone; this one closes first.
              setOpen(false);
              setCreated({ ...result.secret, value: result.plaintext });
              // The action does not revalidate, so that the value shows first: the list and the count follow.
              afterRender(() => router.refresh());
            },
          )
        }
      >
        <ScopeFields idPrefix="restricted-secret" defaultScopes={[]} error={error?.fieldErrors?.scopes} />
      </FormDialog>
      <SecretCreatedDialog secret={created} onClose={() => setCreated(null)} />
    </>
  );
}
