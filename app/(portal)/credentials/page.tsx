import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { Info, TriangleAlert } from 'lucide-react';
import { requireActor } from '@/lib/auth/session';
import { canManageCredentials } from '@/lib/identity/actor';
import { getOAuthClient } from '@/lib/data/oauth-clients';
import { credentialAllowances, listCredentials } from '@/lib/data/credential-queries';
import { EXPIRY_WARNING_DAYS } from '@/lib/credentials/rules';
import { toCredentialRow } from '@/components/credentials/credential-row';
import { publicUrls } from '@/lib/config';
import { OAUTH_PATHS } from '@/lib/oauth/settings';
import { ConnectionDetails } from './_components/connection-details';
import { CredentialsTable } from './_components/credentials-table';
import { AddSecretButton } from './_components/add-secret-button';
import { AddRestrictedSecretButton } from './_components/add-restricted-secret-dialog';
import { AddPublicKeyButton } from './_components/add-public-key-dialog';
import { AddWorkloadButton } from './_components/add-workload-dialog';
import { WorkloadsTable } from './_components/workloads-table';
import { AssertionExample, TokenExchangeExample } from './_components/client-examples';
import { SecurityAlerts } from './_components/security-alerts';
import { listOpenAlerts } from '@/lib/data/alerts';
import { organizationClock } from '@/lib/data/credential-clock';
import { Breadcrumb } from '@/components/breadcrumb';

export const metadata: Metadata = { title: 'Credentials' };

export default async function CredentialsPage() {
  const actor = await requireActor();
  // An admin whose organization requires two-factor sets it up before seeing or managing secrets.
  if (mustEnrollTwoFactor(actor, 'manage_credentials')) redirect('/security');

  const header = (
    <header>
      <Breadcrumb trail={[{ label: 'Development' }]} current="Credentials" />
      <h1 className="mt-2 text-2xl font-semibold tracking-tight">Credentials</h1>
      <p className="mt-2 max-w-2xl text-sm text-slate-600">
        Secrets are authentication credentials associated with your account. Use them in your SDK to authenticate your
        application against our platform, or to authenticate against our REST APIs directly. Public keys and trusted
        workloads authenticate without a shared secret.
      </p>
    </header>
  );

  if (actor.platformRole === 'SUPPORT') redirect('/support');
  if (!actor.membership) {
    return (
      <div className="space-y-8">
        {header}
        <p className="flex gap-3 rounded-lg bg-white p-4 text-sm text-slate-700 ring-1 ring-slate-200">
          <Info className="mt-0.5 size-4 shrink-0 text-indigo-600" aria-hidden />
          Your account is not a member of a customer organization, so there are no credentials to show here. Ask your
          organization&apos;s admin to invite you.
        </p>
      </div>
    );
  }

  const { organizationId } = actor.membership;
  const canManage = canManageCredentials(actor);
  const [client, secrets, allowances, requestHeaders, alerts, clock] = await Promise.all([
    getOAuthClient({ organizationId }),
    listCredentials({ organizationId }),
    credentialAllowances({ organizationId }),
    headers(),
    canManage ? listOpenAlerts({ organizationId }) : Promise.resolve([]),
    organizationClock({ organizationId }),
  ]);
  // Status, the expiring banner and the menus follow a tenant's test clock when it has one.
  const now = Date.now();
  const rows = secrets.map((secret) => toCredentialRow(secret, now, clock));
  // Secrets and public keys authenticate the client itself and share one list; workloads have their own.
  const clientCredentials = rows.filter((row) => row.kind !== 'WORKLOAD');
  const workloads = rows.filter((row) => row.kind === 'WORKLOAD');
  const expiringSoon = rows.filter((row) => row.expiresSoon).length;
  const host = requestHeaders.get('host') ?? 'localhost';
  const protocol = requestHeaders.get('x-forwarded-proto') ?? 'http';
  const urls = publicUrls(`${protocol}://${host}`);
  const tokenEndpoint = `${urls.authorizationBaseUrl}${OAUTH_PATHS.token}`;
  const allowance = allowances.SECRET;

  return (
    <div className="space-y-8">
      {header}
      {alerts.length > 0 && (
        <SecurityAlerts
          alerts={alerts.map(({ lastSeenAt, createdAt: _createdAt, credentialId: _credentialId, ...alert }) => ({
            ...alert,
            lastSeenAt: lastSeenAt.toISOString(),
          }))}
        />
      )}
      {expiringSoon > 0 && (
        <p
          role="status"
          className="flex gap-3 rounded-lg bg-amber-50 p-4 text-sm text-amber-900 ring-1 ring-amber-600/20"
        >
          <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
          {expiringSoon === 1 ? '1 credential expires' : `${expiringSoon} credentials expire`} within{' '}
          {EXPIRY_WARNING_DAYS} days. Roll or replace {expiringSoon === 1 ? 'it' : 'them'} before then.
        </p>
      )}
      <ConnectionDetails
        authorizationBaseUrl={urls.authorizationBaseUrl}
        apiBaseUrl={urls.apiBaseUrl}
        clientId={client?.clientId ?? null}
      />
      <section aria-labelledby="secrets-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="secrets-heading" className="text-base font-semibold">
            Secrets and public keys
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            A new secret or public key is disabled until you activate it. Only active ones can obtain access tokens, and
            only for their scopes.
          </p>
        </div>
        <CredentialsTable secrets={clientCredentials} canManage={canManage} />
        <div className="flex flex-col gap-3 border-t border-slate-200 px-4 py-4 sm:flex-row sm:flex-wrap sm:items-center sm:justify-end sm:px-6">
          {canManage ? (
            <>
              <AddPublicKeyButton count={allowances.PUBLIC_KEY.count} max={allowances.PUBLIC_KEY.max} />
              <AddRestrictedSecretButton atLimit={!allowance.canAdd} />
              <AddSecretButton count={allowance.count} max={allowance.max} />
            </>
          ) : (
            <p className="text-sm text-slate-600">
              You have view-only access. Ask an admin of {actor.membership.organizationName} to add or activate secrets.
            </p>
          )}
        </div>
        {client && <AssertionExample clientId={client.clientId} tokenEndpoint={tokenEndpoint} />}
      </section>
      <section aria-labelledby="workloads-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="workloads-heading" className="text-base font-semibold">
            Trusted workloads
          </h2>
          <p className="mt-1 max-w-3xl text-sm text-slate-600">
            A CI job or a cluster proves who it is with the token its platform already gives it (OAuth token exchange),
            and no secret exists at all. Each is disabled until you activate it.
          </p>
        </div>
        <WorkloadsTable workloads={workloads} canManage={canManage} />
        {canManage && (
          <div className="flex flex-col gap-3 border-t border-slate-200 px-4 py-4 sm:flex-row sm:items-center sm:justify-end sm:gap-4 sm:px-6">
            <AddWorkloadButton
              count={allowances.WORKLOAD.count}
              max={allowances.WORKLOAD.max}
              audience={urls.apiBaseUrl}
            />
          </div>
        )}
        {client && (
          <TokenExchangeExample clientId={client.clientId} tokenEndpoint={tokenEndpoint} audience={urls.apiBaseUrl} />
        )}
      </section>
    </div>
  );
}
