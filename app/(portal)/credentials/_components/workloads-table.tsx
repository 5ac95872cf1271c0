'use client';

import { Workflow } from 'lucide-react';
import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { ScopeBadges } from '@/components/credentials/credential-labels';
import { CredentialStatusCell, LastUsed } from '@/components/credentials/credential-status';
import type { CredentialRow } from '@/components/credentials/credential-row';
import { CredentialRowActions } from './credential-row-actions';
import { useActivatedRows } from './use-activated-rows';

/**
 * Whom a workload trusts. Under the name on narrow screens, labelled; in its own column on wide ones, where the
 * column's heading says which line is which and the labels are left to screen readers.
 */
function Trust({ workload, column = false }: { workload: CredentialRow; column?: boolean }) {
  const label = column ? 'sr-only' : 'text-slate-500';
  return (
    <dl
      className={
        column
          ? 'space-y-0.5 text-xs'
          : 'mt-1.5 grid grid-cols-1 gap-y-0.5 text-xs sm:grid-cols-[auto_minmax(0,1fr)] sm:gap-x-2 lg:hidden'
      }
    >
      <dt className={label}>Issuer</dt>
      <dd className="font-mono [overflow-wrap:anywhere] text-slate-700">{workload.workloadIssuer}</dd>
      <dt className={label}>Audience</dt>
      <dd className="font-mono [overflow-wrap:anywhere] text-slate-500">{workload.workloadAudience}</dd>
    </dl>
  );
}

/** The organization's trusted workloads (token exchange), each with the same lifecycle and menu as a secret. */
export function WorkloadsTable({ workloads: listed, canManage }: { workloads: CredentialRow[]; canManage: boolean }) {
  const [workloads, markActivated] = useActivatedRows(listed);
  if (workloads.length === 0) {
    return (
      <EmptyState icon={Workflow} title="No trusted workloads yet">
        {canManage
          ? 'Trust a CI job or a cluster by its identity provider, and it obtains access tokens without any stored secret.'
          : 'An admin of your organization can add one.'}
      </EmptyState>
    );
  }

  return (
    <Table>
      <TableCaption>Trusted workloads of your organization</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead className="sm:px-6">Name, subject pattern and scopes</TableHead>
          <TableHead className="hidden lg:table-cell">Issuer and audience</TableHead>
          <TableHead>Status</TableHead>
          {canManage && (
            <TableHead className="w-14 sm:pr-6">
              <span className="sr-only">Actions</span>
            </TableHead>
          )}
        </TableRow>
      </TableHeader>
      <TableBody>
        {workloads.map((workload) => {
          return (
            <TableRow key={workload.id} data-testid="workload-row" className="align-middle">
              <TableCell className="sm:px-6">
                <Link
                  href={`/credentials/${workload.id}`}
                  // Each visible row would prefetch its page, again after every action's refresh: one request per row.
                  prefetch={false}
                  className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                >
                  {workload.name}
                </Link>
                <code className="mt-0.5 block max-w-80 font-mono text-xs break-all text-slate-600">
                  <span className="sr-only">Subject pattern: </span>
                  {workload.workloadSubject}
                </code>
                <Trust workload={workload} />
                <ScopeBadges scopes={workload.scopes} className="mt-1.5" />
              </TableCell>
              <TableCell className="hidden lg:table-cell">
                <Trust workload={workload} column />
              </TableCell>
              <TableCell>
                <CredentialStatusCell credential={workload}>
                  <span className="text-xs whitespace-nowrap text-slate-500">
                    Last used <LastUsed iso={workload.lastUsedAt} />
                  </span>
                </CredentialStatusCell>
              </TableCell>
              {canManage && (
                <TableCell className="text-right sm:pr-6">
                  <CredentialRowActions secret={workload} onActivated={markActivated} />
                </TableCell>
              )}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
