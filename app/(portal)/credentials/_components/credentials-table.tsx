'use client';

import { KeyRound } from 'lucide-react';
import Link from 'next/link';
import { useMemo, useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { LocalTime, RelativeTime } from '@/components/local-time';
import { CredentialStatusCell, LastUsed } from '@/components/credentials/credential-status';
import { KindLabel, ScopeBadges } from '@/components/credentials/credential-labels';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import type { CredentialRow } from '@/components/credentials/credential-row';
import { BulkConfirmDialog } from './bulk-confirm-dialog';
import { CredentialRowActions } from './credential-row-actions';
import { useActivatedRows } from './use-activated-rows';

export function CredentialsTable({ secrets: listed, canManage }: { secrets: CredentialRow[]; canManage: boolean }) {
  const [secrets, markActivated] = useActivatedRows(listed);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulk, setBulk] = useState<'deactivate' | 'delete' | null>(null);
  // Selection survives refreshes only for secrets still listed.
  const chosen = useMemo(() => secrets.filter((secret) => selected.has(secret.id)), [secrets, selected]);
  const allSelected = secrets.length > 0 && chosen.length === secrets.length;

  if (secrets.length === 0) {
    return (
      <EmptyState icon={KeyRound} title="No secrets or public keys yet">
        {canManage
          ? 'Add a secret, or a public key your application signs with, to authenticate your SDK or your calls to the REST API.'
          : 'An admin of your organization can add one.'}
      </EmptyState>
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
        <section
          aria-label="Selected secrets"
          className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-indigo-50 px-4 py-2.5 sm:px-6"
        >
          <span className="mr-auto text-sm font-medium text-indigo-900">{chosen.length} selected</span>
          <Button size="sm" variant="secondary" onClick={() => setBulk('deactivate')}>
            Deactivate selected
          </Button>
          <Button size="sm" variant="danger" onClick={() => setBulk('delete')}>
            Delete selected
          </Button>
        </section>
      )}
      <Table>
        <TableCaption>Secrets and public keys of your organization</TableCaption>
        <TableHeader>
          <TableRow>
            {canManage && (
              <TableHead className="w-10 pr-0 sm:pl-6">
                <input
                  type="checkbox"
                  aria-label="Select all secrets"
                  checked={allSelected}
                  onChange={() => setSelected(allSelected ? new Set() : new Set(secrets.map((s) => s.id)))}
                />
              </TableHead>
            )}
            <TableHead className="sm:px-6">Name</TableHead>
            <TableHead className="hidden lg:table-cell">Scopes</TableHead>
            <TableHead className="hidden md:table-cell">Created</TableHead>
            <TableHead className="hidden whitespace-nowrap sm:table-cell">Last used</TableHead>
            <TableHead>Status</TableHead>
            {canManage && (
              <TableHead className="w-14 sm:pr-6">
                <span className="sr-only">Actions</span>
              </TableHead>
            )}
          </TableRow>
        </TableHeader>
        <TableBody>
          {secrets.map((secret) => {
            const createdBy = secret.createdByName ?? 'a removed user';
            const lastUsed = <LastUsed iso={secret.lastUsedAt} />;
            return (
              <TableRow key={secret.id} data-testid="secret-row" className="align-middle">
                {canManage && (
                  <TableCell className="pr-0 sm:pl-6">
                    <input
                      type="checkbox"
                      aria-label={`Select ${KIND_WORDS[secret.kind].one} ${secret.preview}`}
                      checked={selected.has(secret.id)}
                      onChange={() => toggle(secret.id)}
                    />
                  </TableCell>
                )}
                <TableCell className="sm:px-6">
                  <Link
                    href={`/credentials/${secret.id}`}
                    // Each visible row would prefetch its page, again after every action's refresh: one request per row.
                    prefetch={false}
                    className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                  >
                    {secret.name}
                  </Link>
                  <span className="mt-0.5 flex flex-wrap items-baseline gap-x-2">
                    <KindLabel kind={secret.kind} className="text-[11px]" />
                    <code className="max-w-72 min-w-0 font-mono text-xs break-all text-slate-600">
                      {secret.preview}
                    </code>
                  </span>
                  <ScopeBadges scopes={secret.scopes} className="mt-1 lg:hidden" />
                  <p className="mt-0.5 text-xs text-slate-500 md:hidden">
                    Created <LocalTime iso={secret.createdAt} /> by {createdBy}
                  </p>
                  <p className="mt-0.5 text-xs text-slate-500 sm:hidden">Last used {lastUsed}</p>
                </TableCell>
                <TableCell className="hidden lg:table-cell">
                  <ScopeBadges scopes={secret.scopes} />
                </TableCell>
                <TableCell className="hidden whitespace-nowrap text-slate-600 md:table-cell">
                  <LocalTime iso={secret.createdAt} />
                  <span className="block text-xs text-slate-500">by {createdBy}</span>
                </TableCell>
                <TableCell className="hidden whitespace-nowrap text-slate-600 sm:table-cell">{lastUsed}</TableCell>
                <TableCell>
                  <CredentialStatusCell credential={secret}>
                    {secret.isDecoy && <Badge tone="red">Decoy</Badge>}
                    {secret.deactivateAt && secret.status === 'ACTIVE' && (
                      <span className="text-xs text-amber-800">
                        Stops <RelativeTime iso={secret.deactivateAt} />
                      </span>
                    )}
                  </CredentialStatusCell>
                </TableCell>
                {canManage && (
                  <TableCell className="text-right sm:pr-6">
                    <CredentialRowActions secret={secret} onActivated={markActivated} />
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      <BulkConfirmDialog
        action={bulk}
        secrets={chosen}
        onClose={() => setBulk(null)}
        onDone={() => {
          setBulk(null);
          setSelected(new Set());
        }}
      />
    </>
  );
}
