'use client';

import { MoreHorizontal } from 'lucide-react';
import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { AlertDialog, AlertDialogCancel, AlertDialogContent, AlertDialogDescription, AlertDialogTitle } from '@/components/ui/alert-dialog';
import type { SecretListItem } from '@/lib/data/secrets';
import { activateSecretAction, deactivateSecretAction, deleteSecretAction, type ActionResult } from '../actions';

type Confirmable = 'deactivate' | 'delete';

const CONFIRMATIONS: Record<Confirmable, { title: string; body: string; button: string; done: string }> = {
  deactivate: {
    title: 'Deactivate this secret?',
    body: 'Applications using it will no longer be able to obtain access tokens. You can activate it again later.',
    button: 'Deactivate',
    done: 'deactivated',
  },
  delete: {
    title: 'Delete this secret?',
    body: 'The secret is removed from your credentials for good. This cannot be undone.',
    button: 'Delete',
    done: 'deleted',
  },
};

export function SecretRowActions({
  secretId,
  preview,
  status,
}: {
  secretId: string;
  preview: string;
  status: SecretListItem['status'];
}) {
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState<Confirmable | null>(null);
  const [confirmError, setConfirmError] = useState<string | null>(null);

  function run(action: (input: unknown) => Promise<ActionResult>, done: string, onSuccess?: () => void) {
    startTransition(async () => {
      const result = await action({ secretId }).catch(() => ({
        ok: false as const,
        message: 'The portal could not be reached. Check your connection and try again.',
      }));
      if (result.ok) {
        onSuccess?.();
        toast.success(`Secret ${preview} ${done}.`);
      } else if (confirming) {
        setConfirmError(result.message);
      } else {
        toast.error(result.message);
      }
    });
  }

  function openConfirmation(kind: Confirmable) {
    setConfirmError(null);
    setConfirming(kind);
  }

  const confirmation = confirming ? CONFIRMATIONS[confirming] : null;

  return (
    <>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Actions for secret ${preview}`} disabled={pending}>
            <MoreHorizontal className="size-4" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          {status === 'DISABLED' ? (
            <>
              <DropdownMenuItem onSelect={() => run(activateSecretAction, 'activated')}>Activate</DropdownMenuItem>
              <DropdownMenuSeparator />
              <DropdownMenuItem destructive onSelect={() => openConfirmation('delete')}>
                Delete
              </DropdownMenuItem>
            </>
          ) : (
            <DropdownMenuItem onSelect={() => openConfirmation('deactivate')}>Deactivate</DropdownMenuItem>
          )}
        </DropdownMenuContent>
      </DropdownMenu>

      <AlertDialog open={confirming !== null} onOpenChange={(open) => !open && !pending && setConfirming(null)}>
        {confirmation && confirming && (
          <AlertDialogContent>
            <AlertDialogTitle>{confirmation.title}</AlertDialogTitle>
            <AlertDialogDescription>
              <span className="font-mono text-slate-900">{preview}</span>: {confirmation.body}
            </AlertDialogDescription>
            {confirmError && (
              <p role="alert" className="mt-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {confirmError}
              </p>
            )}
            <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <AlertDialogCancel asChild>
                <Button variant="secondary" disabled={pending}>
                  Cancel
                </Button>
              </AlertDialogCancel>
              <Button
                variant="danger"
                disabled={pending}
                onClick={() =>
                  run(
                    confirming === 'delete' ? deleteSecretAction : deactivateSecretAction,
                    confirmation.done,
                    () => setConfirming(null),
                  )
                }
              >
                {confirmation.button}
              </Button>
            </div>
          </AlertDialogContent>
        )}
      </AlertDialog>
    </>
  );
}
