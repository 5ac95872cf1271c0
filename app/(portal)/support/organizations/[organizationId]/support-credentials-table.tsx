'use client';

import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { LocalTime } from '@/components/local-time';
import { LastUsed } from '@/components/credentials/credential-status';
import { CredentialStatusBadge } from '@/components/credentials/credential-status-badge';
import { KindLabel, ScopeBadges } from '@/components/credentials/credential-labels';
import type { CredentialRow } from '@/components/credentials/credential-row';
import { EmergencyDeactivate } from './emergency-deactivate';

/**
 * The customer's secrets as support sees them: no values, no menus, only Emergency deactivate. A
 * deactivation updates its row here instead of re-rendering the page, which would record another view.
 */
export function SupportCredentialsTable({
  organizationId,
  secrets,
}: {
  organizationId: string;
  secrets: CredentialRow[];
}) {
  const [deactivated, setDeactivated] = useState<Set<string>>(new Set());
  if (secrets.length === 0)
    return <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">This organization has no credentials.</p>;
  return (
    <Table>
      <TableHeader>
        <TableRow>
          <TableHead className="sm:px-6">Name</TableHead>
          <TableHead className="hidden md:table-cell">Created</TableHead>
          <TableHead className="hidden sm:table-cell">Last used</TableHead>
          <TableHead>Status</TableHead>
          <TableHead className="sm:pr-6">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {secrets.map((secret) => {
          const active = secret.status === 'ACTIVE' && !deactivated.has(secret.id);
          const status = deactivated.has(secret.id) ? 'DISABLED' : secret.displayStatus;
          return (
            <TableRow key={secret.id} data-testid="secret-row">
              <TableCell className="sm:px-6">
                <span className="font-medium text-slate-900">{secret.name}</span>
                <span className="mt-0.5 flex flex-wrap items-baseline gap-x-2">
                  <KindLabel kind={secret.kind} className="text-[11px]" />
                  <code className="min-w-0 font-mono text-xs break-all text-slate-600">{secret.preview}</code>
                </span>
                <ScopeBadges scopes={secret.scopes} className="mt-1" />
              </TableCell>
              <TableCell className="hidden text-slate-600 md:table-cell">
                <LocalTime iso={secret.createdAt} />
                <span className="block text-xs text-slate-500">by {secret.createdByName ?? 'a removed user'}</span>
              </TableCell>
              <TableCell className="hidden text-slate-600 sm:table-cell">
                <LastUsed iso={secret.lastUsedAt} />
              </TableCell>
              <TableCell>
                <div className="flex flex-col items-start gap-1">
                  <CredentialStatusBadge status={status} />
                  {secret.isDecoy && <Badge tone="red">Decoy</Badge>}
                </div>
              </TableCell>
              <TableCell className="text-right sm:pr-6">
                {active && (
                  <EmergencyDeactivate
                    organizationId={organizationId}
                    credentialId={secret.id}
                    kind={secret.kind}
                    name={secret.name}
                    preview={secret.preview}
                    onDeactivated={() => setDeactivated((current) => new Set(current).add(secret.id))}
                  />
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
