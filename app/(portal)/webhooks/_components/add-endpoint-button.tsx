'use client';

import { Plus } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { useAfterRender } from '@/components/actions/use-after-render';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { createEndpointAction } from '../actions';
import { EndpointFields, endpointFormOf, type EndpointFormOptions } from './endpoint-fields';
import { SigningSecretDialog, type ShownSecret } from './signing-secret-dialog';

/** Add endpoint: the URL, the events it receives and a description; then its signing secret, once. */
export function AddEndpointButton({ atLimit, options }: { atLimit: boolean; options: EndpointFormOptions }) {
  const router = useRouter();
  const afterRender = useAfterRender();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const { pending, error, run } = useDialogAction(open);

  return (
    <>
      <Button onClick={() => setOpen(true)} disabled={atLimit}>
        <Plus className="size-4" aria-hidden />
        Add endpoint
      </Button>
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title="Add endpoint"
        description="We send a signed HTTPS POST to this URL for each event you choose. Its signing secret is shown once, next."
        submitLabel="Add endpoint"
        pending={pending}
        error={error}
        onSubmit={(form) =>
          run(
            () => createEndpointAction(endpointFormOf(form)),
            (result) => {
              setOpen(false);
              setShown({ url: result.endpoint.url, secret: result.secret });
              // The action does not revalidate, so that the secret shows first: the list follows.
              afterRender(() => router.refresh());
            },
          )
        }
      >
        <EndpointFields idPrefix="endpoint" options={options} fieldErrors={error?.fieldErrors ?? {}} />
      </FormDialog>
      <SigningSecretDialog shown={shown} onClose={() => setShown(null)} />
    </>
  );
}
