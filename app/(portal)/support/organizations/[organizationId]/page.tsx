import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ChevronRight, Eye } from 'lucide-react';
import { z } from 'zod';
import { requireActor } from '@/lib/auth/session';
import { requestContext } from '@/lib/http/request';
import { isSupport, viewOrganizationCredentials } from '@/lib/data/support';
import { displayStatus } from '@/lib/secrets/rules';
import { LocalTime, RelativeTime } from '@/components/local-time';
import { SecretStatusBadge } from '@/app/(portal)/credentials/_components/secret-status-badge';
import { Badge } from '@/components/ui/badge';
import { EmergencyDeactivate } from './emergency-deactivate';

export const metadata: Metadata = { title: 'Customer credentials' };

export default async function SupportOrganizationPage({ params }: { params: Promise<{ organizationId: string }> }) {
  const actor = await requireActor();
  if (!isSupport(actor)) notFound();
  const { organizationId } = await params;
  if (!z.uuid().safeParse(organizationId).success) notFound();
  const result = await viewOrganizationCredentials({ actor, organizationId, context: await requestContext() });
  if (!result.ok) notFound();
  const { organization, secrets } = result;
  const now = Date.now();

  return (
    <div className="space-y-8">
      <header>
        <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-sm text-slate-500">
          <Link href="/support" className="hover:text-slate-700 hover:underline">Organizations</Link>
          <ChevronRight className="size-3.5" aria-hidden />
          <span aria-current="page" className="text-slate-700">{organization.name}</span>
        </nav>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{organization.name}</h1>
        <p className="mt-2 flex items-center gap-2 text-sm text-slate-600">
          <Eye className="size-4" aria-hidden />
          Read-only view. This visit is recorded in the customer&apos;s audit log.
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Client ID <code data-testid="client-id" className="font-mono text-slate-900">{organization.oauthClient?.clientId ?? '—'}</code>
        </p>
      </header>

      <section aria-labelledby="secrets-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="secrets-heading" className="border-b border-slate-200 px-4 py-4 text-base font-semibold sm:px-6">Secrets</h2>
        {secrets.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">This organization has no secrets.</p>
        ) : (
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
                {secrets.map((secret) => (
                  <tr key={secret.id} data-testid="secret-row">
                    <td className="px-4 py-3 sm:px-6">
                      <span className="font-medium text-slate-900">{secret.name}</span>
                      <code className="block font-mono text-xs text-slate-600">{secret.preview}</code>
                    </td>
                    <td className="hidden px-4 py-3 text-slate-600 md:table-cell">
                      <LocalTime iso={secret.createdAt.toISOString()} />
                      <span className="block text-xs text-slate-500">by {secret.createdByName ?? 'a removed user'}</span>
                    </td>
                    <td className="hidden px-4 py-3 text-slate-600 sm:table-cell">
                      {secret.lastUsedAt ? <RelativeTime iso={secret.lastUsedAt.toISOString()} /> : 'Never'}
                    </td>
                    <td className="px-4 py-3">
                      <div className="flex flex-col items-start gap-1">
                        <SecretStatusBadge status={displayStatus(secret.status, secret.expiresAt, now)} />
                        {secret.isDecoy && <Badge tone="red">Decoy</Badge>}
                      </div>
                    </td>
                    <td className="px-4 py-3 text-right sm:pr-6">
                      {secret.status === 'ACTIVE' && (
                        <EmergencyDeactivate organizationId={organization.id} secretId={secret.id} name={secret.name} preview={secret.preview} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
