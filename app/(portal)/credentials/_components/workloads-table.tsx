'use client';

import { Workflow } from 'lucide-react';
import Link from 'next/link';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { RelativeTime } from '@/components/local-time';
import { ScopeBadges } from '@/components/secrets/credential-labels';
import { SecretStatusBadge } from '@/components/secrets/secret-status-badge';
import type { SecretRow } from '@/components/secrets/secret-row';
import { SecretRowActions } from './secret-row-actions';

/** What a workload trusts, as compact facts: shown in columns on wide screens and under the name otherwise. */
function Trust({ workload, className }: { workload: SecretRow; className?: string }) {
  return (
    <dl className={className}>
      <div className="flex min-w-0 gap-1.5">
        <dt className="shrink-0 text-slate-500">Issuer</dt>
        <dd className="min-w-0 font-mono break-all text-slate-700">{workload.workloadIssuer}</dd>
      </div>
      <div className="flex min-w-0 gap-1.5">
        <dt className="shrink-0 text-slate-500">Audience</dt>
        <dd className="min-w-0 font-mono break-all text-slate-700">{workload.workloadAudience}</dd>
      </div>
    </dl>
  );
}

/** The organization's trusted workloads (token exchange), each with the same lifecycle and menu as a secret. */
export function WorkloadsTable({ workloads, canManage }: { workloads: SecretRow[]; canManage: boolean }) {
  if (workloads.length === 0) {
    return (
      <div className="flex flex-col items-center px-6 py-10 text-center">
        <span className="grid size-10 place-items-center rounded-full bg-slate-100 text-slate-500">
          <Workflow className="size-5" aria-hidden />
        </span>
        <p className="mt-3 text-sm font-medium text-slate-900">No trusted workloads yet</p>
        <p className="mt-1 max-w-md text-sm text-slate-600">
          {canManage
            ? 'Trust a CI job or a cluster by its identity provider, and it obtains access tokens without any stored secret.'
            : 'An admin of your organization can add one.'}
        </p>
      </div>
    );
  }

  return (
    <Table>
      <TableCaption>Trusted workloads of your organization</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead className="sm:px-6">Name</TableHead>
          <TableHead className="hidden xl:table-cell">Issuer and audience</TableHead>
          <TableHead className="hidden md:table-cell">Subject pattern</TableHead>
          <TableHead className="hidden lg:table-cell">Scopes</TableHead>
          <TableHead className="hidden sm:table-cell">Last used</TableHead>
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
          const lastUsed = workload.lastUsedAt ? <RelativeTime iso={workload.lastUsedAt} /> : 'Never';
          return (
            <TableRow key={workload.id} data-testid="workload-row" className="align-top">
              <TableCell className="sm:px-6">
                <Link
                  href={`/credentials/${workload.id}`}
                  className="font-medium text-slate-900 hover:text-indigo-700 hover:underline"
                >
                  {workload.name}
                </Link>
                <code className="mt-0.5 block font-mono text-xs break-all text-slate-600 md:hidden">
                  {workload.workloadSubject}
                </code>
                <Trust workload={workload} className="mt-1 space-y-0.5 text-xs xl:hidden" />
                <ScopeBadges scopes={workload.scopes} className="mt-1 lg:hidden" />
                <p className="mt-0.5 text-xs text-slate-500 sm:hidden">Last used {lastUsed}</p>
              </TableCell>
              <TableCell className="hidden max-w-72 xl:table-cell">
                <Trust workload={workload} className="space-y-0.5 text-xs" />
              </TableCell>
              <TableCell className="hidden max-w-64 md:table-cell">
                <code className="font-mono text-xs break-all text-slate-700">{workload.workloadSubject}</code>
              </TableCell>
              <TableCell className="hidden lg:table-cell">
                <ScopeBadges scopes={workload.scopes} />
              </TableCell>
              <TableCell className="hidden text-slate-600 sm:table-cell">{lastUsed}</TableCell>
              <TableCell>
                <div className="flex flex-col items-start gap-1">
                  <SecretStatusBadge status={workload.displayStatus} />
                  {workload.expiresSoon && (
                    <Badge tone="amber">
                      Expires <RelativeTime iso={workload.expiresAt!} />
                    </Badge>
                  )}
                </div>
              </TableCell>
              {canManage && (
                <TableCell className="text-right sm:pr-6">
                  <SecretRowActions secret={workload} />
                </TableCell>
              )}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
