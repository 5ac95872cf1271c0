'use client';

import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import type { CredentialRow } from '@/components/credentials/credential-row';
import { bulkCredentialsAction } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';

/** One confirmation for Deactivate selected / Delete selected, listing the secrets; reports what was skipped. */
export function BulkConfirmDialog({
  action,
  secrets,
  onClose,
  onDone,
}: {
  action: 'deactivate' | 'delete' | null;
  secrets: CredentialRow[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { pending, error, run } = useDialogAction();
  const verb = action === 'delete' ? 'Delete' : 'Deactivate';
  // A selection with public keys in it is a selection of credentials.
  const noun = secrets.every((secret) => secret.kind === 'SECRET') ? 'secret' : 'credential';
  return (
    <ConfirmDialog
      open={action !== null}
      onOpenChange={(open) => !open && onClose()}
      title={`${verb} ${secrets.length} ${noun}${secrets.length === 1 ? '' : 's'}?`}
      description={
        action === 'delete'
          ? `These ${noun}s are removed for good. Active ones are skipped: deactivate them first.`
          : `Applications using these ${noun}s will no longer obtain access tokens.`
      }
      pending={pending}
      error={error?.message}
      confirmLabel={`${verb} ${secrets.length}`}
      onConfirm={() =>
        action &&
        run(
          () => bulkCredentialsAction({ credentialIds: secrets.map((s) => s.id), action }),
          (result) => {
            const done = `${result.done.length} ${noun}${result.done.length === 1 ? '' : 's'} ${action === 'delete' ? 'deleted' : 'deactivated'}`;
            if (result.failed.length)
              toast.warning(`${done}; ${result.failed.length} skipped: ${result.failed[0]!.message}`);
            else toast.success(`${done}.`);
            onDone();
          },
        )
      }
    >
      <ul className="mt-4 max-h-48 space-y-1 overflow-y-auto rounded-md bg-slate-50 p-3 text-sm">
        {secrets.map((secret) => (
          <li key={secret.id} className="flex justify-between gap-3">
            <span className="truncate">{secret.name}</span>
            <span className="shrink-0 font-mono text-slate-600">{secret.preview}</span>
          </li>
        ))}
      </ul>
    </ConfirmDialog>
  );
}
