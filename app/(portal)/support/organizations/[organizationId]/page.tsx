import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import Link from 'next/link';
import { Activity, Eye } from 'lucide-react';
import { z } from 'zod';
import { requireActor } from '@/lib/auth/session';
import { requestContext } from '@/lib/http/request';
import { isSupport, viewOrganizationCredentials } from '@/lib/data/support';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { TwoFactorRequired } from '../../_components/two-factor-required';

import { toCredentialRow } from '@/components/credentials/credential-row';
import { organizationClock } from '@/lib/data/credential-clock';
import { SupportCredentialsTable } from './support-credentials-table';
import { Breadcrumb } from '@/components/breadcrumb';
import { InvitationsTable } from '@/components/members/invitations-table';
import { MembersTable } from '@/components/members/members-table';
import { SsoSummary } from '@/components/sso/sso-summary';
import { ssoSettingsForSupport } from '@/lib/data/sso';

export const metadata: Metadata = { title: 'Customer credentials' };

export default async function SupportOrganizationPage({ params }: { params: Promise<{ organizationId: string }> }) {
  const actor = await requireActor();
  if (!isSupport(actor)) notFound();
  // Before anything is read: a view is recorded in the customer's audit log.
  if (mustEnrollTwoFactor(actor, 'support_console')) return <TwoFactorRequired title="Customer credentials" />;
  const { organizationId } = await params;
  if (!z.uuid().safeParse(organizationId).success) notFound();
  const result = await viewOrganizationCredentials({ actor, organizationId, context: await requestContext() });
  if (!result.ok) notFound();
  const { organization, secrets, members, invitations } = result;
  // A tenant's credentials show their status on its test clock.
  const [clock, sso] = await Promise.all([
    organizationClock({ organizationId }),
    ssoSettingsForSupport({ actor, organizationId }),
  ]);

  return (
    <div className="space-y-8">
      <header>
        <Breadcrumb trail={[{ label: 'Organizations', href: '/support' }]} current={organization.name} />
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{organization.name}</h1>
        <p className="mt-2 flex items-center gap-2 text-sm text-slate-600">
          <Eye className="size-4" aria-hidden />
          Read-only view. This visit is recorded in the customer&apos;s audit log.
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Client ID{' '}
          <code data-testid="client-id" className="font-mono text-slate-900">
            {organization.oauthClient?.clientId ?? '—'}
          </code>
        </p>
        <p className="mt-3">
          <Link
            href={`/support/request-log/${organization.id}`}
            className="inline-flex items-center gap-1.5 text-sm font-medium text-indigo-700 hover:underline"
          >
            <Activity className="size-4" aria-hidden />
            Request log: their apps’ requests and why any were refused
          </Link>
        </p>
      </header>

      <section aria-labelledby="secrets-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="secrets-heading" className="border-b border-slate-200 px-4 py-4 text-base font-semibold sm:px-6">
          Credentials
        </h2>
        <SupportCredentialsTable
          organizationId={organization.id}
          secrets={secrets.map((secret) => toCredentialRow(secret, Date.now(), clock))}
        />
      </section>

      <section aria-labelledby="members-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="members-heading" className="border-b border-slate-200 px-4 py-4 text-base font-semibold sm:px-6">
          Members
        </h2>
        <MembersTable
          caption={`Members of ${organization.name}`}
          lastAdmin={members.filter((member) => member.role === 'ADMIN').length <= 1}
          members={members.map((member) => ({
            ...member,
            lastSignInAt: member.lastSignInAt?.toISOString() ?? null,
            joinedAt: member.joinedAt.toISOString(),
          }))}
        />
      </section>

      {sso && (
        <section aria-labelledby="sso-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <h2 id="sso-heading" className="border-b border-slate-200 px-4 py-4 text-base font-semibold sm:px-6">
            Single sign-on
          </h2>
          <SsoSummary settings={sso} />
        </section>
      )}

      <section aria-labelledby="invitations-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="invitations-heading" className="border-b border-slate-200 px-4 py-4 text-base font-semibold sm:px-6">
          Pending invitations
        </h2>
        {invitations.length === 0 ? (
          <p className="px-4 py-4 text-sm text-slate-600 sm:px-6">None.</p>
        ) : (
          <InvitationsTable
            invitations={invitations.map((invitation) => ({
              ...invitation,
              createdAt: invitation.createdAt.toISOString(),
              expiresAt: invitation.expiresAt.toISOString(),
            }))}
          />
        )}
      </section>
    </div>
  );
}
