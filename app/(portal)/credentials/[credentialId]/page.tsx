import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { Users } from 'lucide-react';
import { z } from 'zod';
import { requireActor } from '@/lib/auth/session';
import { canManageCredentials } from '@/lib/identity/actor';
import { getCredential } from '@/lib/data/credential-queries';
import { callersSinceRoll, getUsageSeries, getUsageSummary, listCallers } from '@/lib/data/credential-usage';
import { listCredentialEvents } from '@/lib/data/audit';
import { AUDIT_ACTIONS, describeAuditEvent } from '@/lib/data/audit-text';
import { LocalTime, RelativeTime } from '@/components/local-time';
import { UsageChart } from '@/components/usage-chart';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { CredentialStatusBadge } from '@/components/credentials/credential-status-badge';
import { CredentialRowActions } from '../_components/credential-row-actions';
import { toCredentialRow } from '@/components/credentials/credential-row';
import { organizationClock } from '@/lib/data/credential-clock';
import { KindLabel, ScopeBadges } from '@/components/credentials/credential-labels';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import { Breadcrumb } from '@/components/breadcrumb';
import { listRequests, requestFacts, requestTotals } from '@/lib/data/request-log';
import { isRefusalReason } from '@/lib/request-log/reasons';
import { REFUSED_REQUESTS_DAYS, RefusedRequests } from '../_components/refused-requests';

export const metadata: Metadata = { title: 'Credential details' };

export default async function CredentialDetailPage({ params }: { params: Promise<{ credentialId: string }> }) {
  const actor = await requireActor();
  // An admin whose organization requires two-factor sets it up before seeing or managing secrets.
  if (mustEnrollTwoFactor(actor, 'manage_credentials')) redirect('/security');
  const { credentialId } = await params;
  if (!actor.membership || !z.uuid().safeParse(credentialId).success) notFound();
  const organizationId = actor.membership.organizationId;
  const secret = await getCredential({ organizationId, credentialId });
  if (!secret) notFound();
  // Callers' addresses and user agents, and where admins acted from, are for admins only.
  const isAdmin = canManageCredentials(actor);
  const now = new Date();
  const [usage, series, callers, events, stillOnOld, requestCounts, refused, requestFactsById, clock] =
    await Promise.all([
      getUsageSummary({ organizationId, credentialId }),
      getUsageSeries({ organizationId, credentialId }),
      isAdmin ? listCallers({ organizationId, credentialId }) : Promise.resolve(null),
      listCredentialEvents({ organizationId, credentialId }),
      callersSinceRoll({ organizationId, credentialId }),
      requestTotals({
        organizationId,
        credentialId,
        since: new Date(now.getTime() - REFUSED_REQUESTS_DAYS * 86_400_000),
      }),
      listRequests({ organizationId, credentialId, outcome: 'refused', take: 5 }),
      requestFacts({ organizationId, credentialIds: [credentialId] }),
      organizationClock({ organizationId }),
    ]);
  const refusalCounts = requestCounts.flatMap(({ reason, count }) =>
    isRefusalReason(reason) ? [{ reason, count }] : [],
  );
  // Status and menu on a tenant's test clock when it has one.
  const row = secret.deleted ? null : toCredentialRow(secret, now.getTime(), clock);
  const hourLabel = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;
  const dayLabel = (d: Date) => d.toISOString().slice(5, 10);

  const mono = (key: string, value: string | null) => (
    <span key={key} className="font-mono text-xs break-all">
      {value}
    </span>
  );
  // What the credential is: its kind, its scopes, and what identifies it besides its name.
  const identity: [string, React.ReactNode][] = [
    ['Kind', KIND_WORDS[secret.kind].label],
    ['Scopes', <ScopeBadges key="scopes" scopes={secret.scopes} />],
  ];
  if (secret.kind === 'PUBLIC_KEY' && secret.publicKey) {
    identity.push(['Algorithm', `${secret.publicKey.alg} (${secret.publicKey.type})`]);
    identity.push(['Key ID (kid)', mono('kid', secret.publicKey.kid)]);
  }
  if (secret.kind === 'PUBLIC_KEY' && secret.jwksUrl) identity.push(['JWKS URL', mono('jwks', secret.jwksUrl)]);
  if (secret.kind === 'WORKLOAD') {
    identity.push(['Issuer', mono('issuer', secret.workloadIssuer)]);
    identity.push(['Audience', mono('audience', secret.workloadAudience)]);
    identity.push(['Subject pattern', mono('subject', secret.workloadSubject)]);
  }

  const facts: [string, React.ReactNode][] = [
    ...identity,
    [
      'Created',
      <span key="created">
        <LocalTime iso={secret.createdAt.toISOString()} /> by {secret.createdByName ?? 'a removed user'}
      </span>,
    ],
    ['Expires', secret.expiresAt ? <LocalTime key="expires" iso={secret.expiresAt.toISOString()} /> : 'Never'],
    [
      'Last used',
      secret.lastUsedAt ? (
        <span key="last-used">
          <RelativeTime iso={secret.lastUsedAt.toISOString()} />
          {isAdmin && secret.lastUsedAddress && (
            <span className="block text-xs text-slate-500">
              from {secret.lastUsedAddress} · {secret.lastUsedUserAgent || 'no user agent'}
            </span>
          )}
        </span>
      ) : (
        'Never'
      ),
    ],
    [
      'Allowed addresses',
      secret.allowedCidrs.length ? (
        <span key="cidrs" className="font-mono text-xs">
          {secret.allowedCidrs.join(', ')}
        </span>
      ) : (
        'Any'
      ),
    ],
    ['Unexpired access tokens', (usage?.unexpiredTokens ?? 0).toLocaleString('en-US')],
  ];
  if (secret.deactivateAt && secret.status === 'ACTIVE')
    facts.push(['Stops working', <LocalTime key="stop" iso={secret.deactivateAt.toISOString()} />]);
  if (secret.replaces)
    facts.push([
      'Replaces',
      <Link key="r" className="text-indigo-700 hover:underline" href={`/credentials/${secret.replaces.id}`}>
        {secret.replaces.name}
      </Link>,
    ]);

  return (
    <div className="space-y-8">
      <header>
        <Breadcrumb
          trail={[{ label: 'Development' }, { label: 'Credentials', href: '/credentials' }]}
          current={secret.name}
          currentClassName="max-w-48 truncate"
        />
        <div className="mt-2 flex items-start justify-between gap-4">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold tracking-tight break-words">{secret.name}</h1>
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <KindLabel kind={secret.kind} />
              <code className="font-mono text-sm break-all text-slate-600">{secret.preview}</code>
              {row ? (
                <CredentialStatusBadge status={row.displayStatus} />
              ) : (
                <span className="text-sm text-slate-500">Deleted</span>
              )}
            </div>
          </div>
          {isAdmin && row && <CredentialRowActions secret={row} />}
        </div>
      </header>

      <section aria-labelledby="facts-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="facts-heading" className="sr-only">
          Details
        </h2>
        <dl className="grid gap-x-6 gap-y-4 p-4 sm:grid-cols-2 sm:p-6 lg:grid-cols-3">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
              <dd className="mt-1 text-sm text-slate-900">{value}</dd>
            </div>
          ))}
        </dl>
      </section>

      {series && (
        <section
          aria-labelledby="usage-heading"
          className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-6"
        >
          <h2 id="usage-heading" className="text-base font-semibold">
            Token requests
          </h2>
          <div className="mt-4 grid gap-8 lg:grid-cols-2">
            <UsageChart title="Last 24 hours, per hour" points={series.hourly} label={hourLabel} />
            <UsageChart title="Last 30 days, per day" points={series.daily} label={dayLabel} />
          </div>
        </section>
      )}

      <RefusedRequests
        credentialId={credentialId}
        totals={refusalCounts}
        latest={refused.slice(0, 5)}
        facts={requestFactsById.get(credentialId) ?? null}
        showCaller={isAdmin}
        now={now}
      />

      <section aria-labelledby="callers-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="callers-heading" className="text-base font-semibold">
            Callers, last 30 days
          </h2>
          {stillOnOld !== null && stillOnOld > 0 && (
            <p role="status" className="mt-2 flex items-center gap-2 text-sm text-amber-800">
              <Users className="size-4" aria-hidden />
              {stillOnOld === 1 ? '1 caller still uses' : `${stillOnOld} callers still use`} the old secret since it was
              rolled.
            </p>
          )}
        </div>
        {!isAdmin ? (
          <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">Callers are shown to admins.</p>
        ) : callers && callers.length > 0 ? (
          <Table>
            <TableCaption>Callers of this {KIND_WORDS[secret.kind].one}, last 30 days</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead className="sm:px-6">Address</TableHead>
                <TableHead>User agent</TableHead>
                <TableHead>First seen</TableHead>
                <TableHead>Last seen</TableHead>
                <TableHead className="text-right sm:pr-6">Tokens</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {callers.map((caller) => (
                <TableRow key={`${caller.address}|${caller.userAgent}`}>
                  <TableCell className="py-2.5 font-mono text-xs sm:px-6">{caller.address}</TableCell>
                  <TableCell className="max-w-64 truncate py-2.5 text-slate-600" title={caller.userAgent}>
                    {caller.userAgent || '—'}
                  </TableCell>
                  <TableCell className="py-2.5 whitespace-nowrap text-slate-600">
                    <LocalTime iso={caller.firstSeen.toISOString()} />
                  </TableCell>
                  <TableCell className="py-2.5 whitespace-nowrap text-slate-600">
                    <RelativeTime iso={caller.lastSeen.toISOString()} />
                  </TableCell>
                  <TableCell className="py-2.5 text-right tabular-nums sm:pr-6">
                    {caller.count.toLocaleString('en-US')}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ) : (
          <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">No token requests in the last 30 days.</p>
        )}
      </section>

      <section aria-labelledby="history-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="history-heading" className="border-b border-slate-200 px-4 py-4 text-base font-semibold sm:px-6">
          History
        </h2>
        <ol className="divide-y divide-slate-100">
          {(events ?? []).map((event) => {
            const detail = describeAuditEvent(event);
            return (
              <li
                key={event.id}
                className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-start sm:justify-between sm:px-6"
              >
                <div className="min-w-0">
                  <p
                    className={`text-sm font-medium ${event.action === 'blocked_address' ? 'text-red-700' : 'text-slate-900'}`}
                  >
                    {AUDIT_ACTIONS[event.action] ?? event.action}
                  </p>
                  {detail && <p className="text-sm break-words text-slate-600">{detail}</p>}
                  <p className="text-xs text-slate-500">
                    {event.actorName}
                    {isAdmin && event.address ? ` · ${event.address}` : ''}
                  </p>
                </div>
                <span className="shrink-0 text-xs text-slate-500">
                  <LocalTime iso={event.createdAt.toISOString()} />
                </span>
              </li>
            );
          })}
        </ol>
      </section>
    </div>
  );
}
