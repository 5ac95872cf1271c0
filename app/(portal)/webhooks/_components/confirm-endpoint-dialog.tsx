'use client';

import { toast } from 'sonner';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { deleteEndpointAction, rollSigningSecretAction } from '../actions';
import type { ShownSecret } from './signing-secret-dialog';

export type EndpointConfirmation = 'roll' | 'delete';

const TEXTS = {
  roll: {
    title: 'Roll the signing secret?',
    body: 'A new signing secret is made and shown once. For the next 24 hours every message is signed with both the new and the current secret, so your receiver keeps verifying while you switch it over.',
    button: 'Roll signing secret',
  },
  delete: {
    title: 'Delete this endpoint?',
    body: 'It stops receiving events at once, and its deliveries are removed. This cannot be undone.',
    button: 'Delete',
  },
} as const;

/** Confirms a roll (then hands the new secret to be shown once) or a deletion. */
export function ConfirmEndpointDialog({
  endpoint,
  kind,
  onClose,
  onRolled,
  onDeleted,
}: {
  endpoint: { id: string; url: string };
  kind: EndpointConfirmation | null;
  onClose: () => void;
  onRolled: (shown: ShownSecret) => void;
  onDeleted: () => void;
}) {
  const { pending, error, run } = useDialogAction(kind !== null);
  const text = kind ? TEXTS[kind] : null;
  return (
    <ConfirmDialog
      open={kind !== null}
      onOpenChange={(open) => !open && onClose()}
      title={text?.title}
      description={
        text && (
          <>
            <span className="font-mono wrap-anywhere text-slate-900">{endpoint.url}</span>: {text.body}
          </>
        )
      }
      pending={pending}
      error={error?.message}
      confirmLabel={text?.button}
      variant={kind === 'roll' ? 'primary' : 'danger'}
      onConfirm={() => {
        if (kind === 'roll')
          run(
            () => rollSigningSecretAction({ endpointId: endpoint.id }),
            (result) => {
              onClose();
              onRolled({ url: endpoint.url, secret: result.secret, previousSecretUntil: result.previousSecretUntil });
            },
          );
        if (kind === 'delete')
          run(
            () => deleteEndpointAction({ endpointId: endpoint.id }),
            () => {
              toast.success(`Endpoint ${endpoint.url} deleted.`);
              onClose();
              onDeleted();
            },
          );
      }}
    />
  );
}
