'use client';

import { KeyRound } from 'lucide-react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { toast } from 'sonner';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { DialogError } from '@/components/ui/dialog';
import { AlertDialog, AlertDialogContent, AlertDialogDescription, AlertDialogTitle, ConfirmActions } from '@/components/ui/alert-dialog';
import { LocalTime, RelativeTime } from '@/components/local-time';
import { bulkSecretsAction } from '../actions';
import { useDialogAction } from './secret-dialogs';
import { SecretStatusBadge } from './secret-status-badge';
import { SecretRowActions } from './secret-row-actions';
import type { SecretRow } from './types';

function BulkConfirm({
  action,
  secrets,
  onClose,
  onDone,
}: {
  action: 'deactivate' | 'delete' | null;
  secrets: SecretRow[];
  onClose: () => void;
  onDone: () => void;
}) {
  const { pending, error, run } = useDialogAction();
  const verb = action === 'delete' ? 'Delete' : 'Deactivate';
  return (
    <AlertDialog open={action !== null} onOpenChange={(open) => !open && !pending && onClose()}>
      {action && (
        <AlertDialogContent>
          <AlertDialogTitle>
            {verb} {secrets.length} secret{secrets.length === 1 ? '' : 's'}?
          </AlertDialogTitle>
          <AlertDialogDescription>
            {action === 'delete'
              ? 'These secrets are removed for good. Active ones are skipped: deactivate them first.'
              : 'Applications using these secrets will no longer obtain access tokens.'}
          </AlertDialogDescription>
          <ul className="mt-4 max-h-48 space-y-1 overflow-y-auto rounded-md bg-slate-50 p-3 text-sm">
            {secrets.map((secret) => (
              <li key={secret.id} className="flex justify-between gap-3">
                <span className="truncate">{secret.name}</span>
                <span className="shrink-0 font-mono text-slate-600">{secret.preview}</span>
              </li>
            ))}
          </ul>
          <DialogError message={error?.message} />
          <ConfirmActions pending={pending} onConfirm={() =>
                run(
                  () => bulkSecretsAction({ secretIds: secrets.map((s) => s.id), action }),
                  (result) => {
                    const done = `${result.done.length} secret${result.done.length === 1 ? '' : 's'} ${action === 'delete' ? 'deleted' : 'deactivated'}`;
                    if (result.failed.length) toast.warning(`${done}; ${result.failed.length} skipped: ${result.failed[0]!.message}`);
                    else toast.success(`${done}.`);
                    onDone();
                  },
                )
              }>
              {verb} {secrets.length}
            </ConfirmActions>
        </AlertDialogContent>
      )}
    </AlertDialog>
  );
}

export function SecretsTable({ secrets, canManage }: { secrets: SecretRow[]; canManage: boolean }) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<'deactivate' | 'delete' | null>(null);
  // Selection survives refreshes only for secrets still listed.
  const chosen = useMemo(() => secrets.filter((secret) => selected.has(secret.id)), [secrets, selected]);
  const allSelected = secrets.length > 0 && chosen.length === secrets.length;

  if (secrets.length === 0) {
    return (
      <div className="flex flex-col items-center px-6 py-12 text-center">
        <span className="grid size-10 place-items-center rounded-full bg-slate-100 text-slate-500">
          <KeyRound className="size-5" aria-hidden />
        </span>
        <p className="mt-3 text-sm font-medium text-slate-900">No secrets yet</p>
        <p className="mt-1 max-w-sm text-sm text-slate-600">
          {canManage ? 'Add a secret to authenticate your SDK or your calls to the REST API.' : 'An admin of your organization can add one.'}
        </p>
      </div>
    );
  }

  function toggle(id: string) {
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  }

  return (
    <>
      {canManage && chosen.length > 0 && (
        <div role="region" aria-label="Selected secrets" className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-indigo-50 px-4 py-2.5 sm:px-6">
          <span className="mr-auto text-sm font-medium text-indigo-900">{chosen.length} selected</span>
          <Button size="sm" variant="secondary" onClick={() => setBulk('deactivate')}>
            Deactivate selected
          </Button>
          <Button size="sm" variant="danger" onClick={() => setBulk('delete')}>
            Delete selected
          </Button>
        </div>
      )}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Secrets of your organization</caption>
          <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
            <tr>
              {canManage && (
                <th scope="col" className="w-10 py-2.5 pl-4 sm:pl-6">
                  <input
                    type="checkbox"
                    aria-label="Select all secrets"
                    checked={allSelected}
                    onChange={() => setSelected(allSelected ? new Set() : new Set(secrets.map((s) => s.id)))}
                  />
                </th>
              )}
              <th scope="col" className="px-4 py-2.5 sm:px-6">
                Secret
              </th>
              <th scope="col" className="hidden px-4 py-2.5 md:table-cell">
                Created
              </th>
              <th scope="col" className="hidden px-4 py-2.5 sm:table-cell">
                Last used
              </th>
              <th scope="col" className="px-4 py-2.5">
                Status
              </th>
              {canManage && (
                <th scope="col" className="w-14 px-4 py-2.5 sm:pr-6">
                  <span className="sr-only">Actions</span>
                </th>
              )}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {secrets.map((secret) => {
              const createdBy = secret.createdByName ?? 'a removed user';
              const lastUsed = secret.lastUsedAt ? <RelativeTime iso={secret.lastUsedAt} /> : 'Never';
              return (
                <tr key={secret.id} data-testid="secret-row" className="align-middle">
                  {canManage && (
                    <td className="py-3 pl-4 sm:pl-6">
                      <input
                        type="checkbox"
                        aria-label={`Select secret ${secret.preview}`}
                        checked={selected.has(secret.id)}
                        onChange={() => toggle(secret.id)}
                      />
                    </td>
                  )}
                  <td className="px-4 py-3 sm:px-6">
                    <Link href={`/credentials/${secret.id}`} className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
                      {secret.name}
                    </Link>
                    <code className="block font-mono text-xs text-slate-600">{secret.preview}</code>
                    <p className="mt-0.5 text-xs text-slate-500 md:hidden">
                      Created <LocalTime iso={secret.createdAt} /> by {createdBy}
                    </p>
                    <p className="mt-0.5 text-xs text-slate-500 sm:hidden">Last used {lastUsed}</p>
                  </td>
                  <td className="hidden px-4 py-3 text-slate-600 md:table-cell">
                    <LocalTime iso={secret.createdAt} />
                    <span className="block text-xs text-slate-500">by {createdBy}</span>
                  </td>
                  <td className="hidden px-4 py-3 text-slate-600 sm:table-cell">{lastUsed}</td>
                  <td className="px-4 py-3">
                    <div className="flex flex-col items-start gap-1">
                      <SecretStatusBadge status={secret.displayStatus} />
                      {secret.isDecoy && <Badge tone="red">Decoy</Badge>}
                      {secret.deactivateAt && secret.status === 'ACTIVE' && (
                        <span className="text-xs text-amber-800">
                          Stops <RelativeTime iso={secret.deactivateAt} />
                        </span>
                      )}
                      {secret.expiresSoon && (
                        <Badge tone="amber">
                          Expires <RelativeTime iso={secret.expiresAt!} />
                        </Badge>
                      )}
                    </div>
                  </td>
                  {canManage && (
                    <td className="px-4 py-3 text-right sm:pr-6">
                      <SecretRowActions secret={secret} />
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <BulkConfirm action={bulk} secrets={chosen} onClose={() => setBulk(null)} onDone={() => { setBulk(null); setSelected(new Set()); }} />
    </>
  );
}
