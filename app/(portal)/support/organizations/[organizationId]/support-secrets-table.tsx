'use client';

import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { LocalTime, RelativeTime } from '@/components/local-time';
import { SecretStatusBadge } from '@/app/(portal)/credentials/_components/secret-status-badge';
import type { SecretRow } from '@/app/(portal)/credentials/_components/types';
import { EmergencyDeactivate } from './emergency-deactivate';

/**
 * The customer's secrets as support sees them: no values, no menus, only Emergency deactivate. A
 * deactivation updates its row here instead of re-rendering the page, which would record another view.
 */
export function SupportSecretsTable({ organizationId, secrets }: { organizationId: string; secrets: SecretRow[] }) {
  const [deactivated, setDeactivated] = useState<Set<string>>(new Set());
  if (secrets.length === 0) return <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">This organization has no secrets.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-4 py-2.5 sm:px-6">Secret</th>
            <th scope="col" className="hidden px-4 py-2.5 md:table-cell">Created</th>
            <th scope="col" className="hidden px-4 py-2.5 sm:table-cell">Last used</th>
            <th scope="col" className="px-4 py-2.5">Status</th>
            <th scope="col" className="px-4 py-2.5 sm:pr-6"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {secrets.map((secret) => {
            const active = secret.status === 'ACTIVE' && !deactivated.has(secret.id);
            const status = deactivated.has(secret.id) ? 'DISABLED' : secret.displayStatus;
            return (
              <tr key={secret.id} data-testid="secret-row">
                <td className="px-4 py-3 sm:px-6">
                  <span className="font-medium text-slate-900">{secret.name}</span>
                  <code className="block font-mono text-xs text-slate-600">{secret.preview}</code>
                </td>
                <td className="hidden px-4 py-3 text-slate-600 md:table-cell">
                  <LocalTime iso={secret.createdAt} />
                  <span className="block text-xs text-slate-500">by {secret.createdByName ?? 'a removed user'}</span>
                </td>
                <td className="hidden px-4 py-3 text-slate-600 sm:table-cell">
                  {secret.lastUsedAt ? <RelativeTime iso={secret.lastUsedAt} /> : 'Never'}
                </td>
                <td className="px-4 py-3">
                  <div className="flex flex-col items-start gap-1">
                    <SecretStatusBadge status={status} />
                    {secret.isDecoy && <Badge tone="red">Decoy</Badge>}
                  </div>
                </td>
                <td className="px-4 py-3 text-right sm:pr-6">
                  {active && (
                    <EmergencyDeactivate
                      organizationId={organizationId}
                      secretId={secret.id}
                      name={secret.name}
                      preview={secret.preview}
                      onDeactivated={() => setDeactivated((current) => new Set(current).add(secret.id))}
                    />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
