import { prisma } from '@/lib/db';
import type { CredentialFacts, CredentialHistoryEntry } from '@/lib/request-log/explain';
import { TIME_RANGES, type RequestLogQuery } from '@/lib/request-log/query';
import type { LoggedEndpoint, Outcome, RefusalReason } from '@/lib/request-log/reasons';

/**
 * The home of request_log (requests kept in detail), request_counts (requests per minute, credential and
 * reason) and unknown_client_requests (requests for Client IDs no organization has, per address): the OAuth
 * endpoints' batches write them here, the portal and the support console read them here, the retention job
 * prunes them here. Figures trail the endpoints by one batch (USAGE_FLUSH_MS).
 */

/** A request kept in detail, as the endpoint saw it; times are epoch milliseconds. */
export interface LoggedRequest {
  id: string;
  /** The Client ID the request named (authenticated, on a success). */
  clientId: string;
  credentialId: string | null;
  endpoint: LoggedEndpoint;
  reason: RefusalReason | null;
  status: number;
  scopes: readonly string[];
  address: string;
  userAgent: string;
  at: number;
}

/** Requests counted in one minute for one Client ID, credential and reason (null: success). */
export interface RequestTally {
  clientId: string;
  credentialId: string | null;
  reason: RefusalReason | null;
  minute: number;
  count: number;
  /** Set while the endpoint did not know whether the Client ID is an organization's: counted per address if not. */
  address: string | null;
}

export interface RequestLogBatch {
  entries: readonly LoggedRequest[];
  tallies: readonly RequestTally[];
  /** Requests for Client IDs known to be no organization's (or none named), per address and minute. */
  unknownClients: readonly { address: string; minute: number; count: number }[];
}

/**
 * Writes one batch in one transaction. Client IDs are resolved here, off the request path: entries and
 * tallies of Client IDs that no organization has are counted per address only (nothing else about them is
 * kept), and a credential is recorded only when it is the client's. Returns which of the batch's Client IDs
 * exist, for the endpoint's bounds. Rows are locked in the order a tenant's deletion takes them.
 */
export async function writeRequestLogBatch({
  entries,
  tallies,
  unknownClients,
}: RequestLogBatch): Promise<{ known: string[]; unknown: string[] }> {
  const named = [...new Set([...entries, ...tallies].map((row) => row.clientId))];
  return prisma.$transaction(async (tx) => {
    const clients = named.length
      ? await tx.$queryRaw<{ client_id: string; id: string; organization_id: string }[]>`
          SELECT c.client_id, c.id::text, c.organization_id::text
          FROM oauth_clients c JOIN organizations o ON o.id = c.organization_id
          WHERE c.client_id = ANY(${named}::text[])
          ORDER BY o.id FOR KEY SHARE OF o`
      : [];
    const byClientId = new Map(clients.map((client) => [client.client_id, client]));
    const credentialIds = [
      ...new Set(
        [...entries, ...tallies]
          .filter((row) => row.credentialId !== null && byClientId.has(row.clientId))
          .map((row) => row.credentialId as string),
      ),
    ];
    if (credentialIds.length)
      await tx.$executeRaw`SELECT 1 FROM secrets WHERE id = ANY(${credentialIds}::uuid[]) ORDER BY id FOR KEY SHARE`;

    const kept = entries.filter((entry) => byClientId.has(entry.clientId));
    if (kept.length) {
      const client = (entry: LoggedRequest) => byClientId.get(entry.clientId)!;
      await tx.$executeRaw`
        INSERT INTO request_log (id, organization_id, credential_id, endpoint, outcome, reason, status, scopes, address, user_agent, at)
        SELECT v.id, v.org, CASE WHEN EXISTS (SELECT 1 FROM secrets s WHERE s.id = v.cred AND s.oauth_client_id = v.client) THEN v.cred END,
               v.endpoint, CASE WHEN v.reason IS NULL THEN 'success' ELSE 'refused' END, v.reason, v.status,
               coalesce(string_to_array(nullif(v.scopes, ''), ' '), ARRAY[]::text[]), v.address, v.ua, v.at
        FROM unnest(${kept.map((e) => e.id)}::text[], ${kept.map((e) => client(e).organization_id)}::uuid[],
                    ${kept.map((e) => client(e).id)}::uuid[], ${kept.map((e) => e.credentialId)}::uuid[],
                    ${kept.map((e) => e.endpoint)}::text[], ${kept.map((e) => e.reason)}::text[], ${kept.map((e) => e.status)}::int[],
                    ${kept.map((e) => e.scopes.join(' '))}::text[], ${kept.map((e) => e.address)}::text[],
                    ${kept.map((e) => e.userAgent)}::text[], ${kept.map((e) => new Date(e.at))}::timestamptz[])
          AS v(id, org, client, cred, endpoint, reason, status, scopes, address, ua, at)
        ON CONFLICT (id) DO NOTHING`;
    }

    const counted = tallies.filter((tally) => byClientId.has(tally.clientId));
    if (counted.length) {
      const client = (tally: RequestTally) => byClientId.get(tally.clientId)!;
      await tx.$executeRaw`
        INSERT INTO request_counts (organization_id, credential_id, reason, minute, count)
        SELECT v.org, CASE WHEN EXISTS (SELECT 1 FROM secrets s WHERE s.id = v.cred AND s.oauth_client_id = v.client) THEN v.cred END AS cred,
               v.reason, v.minute, sum(v.count)::int
        FROM unnest(${counted.map((t) => client(t).organization_id)}::uuid[], ${counted.map((t) => client(t).id)}::uuid[],
                    ${counted.map((t) => t.credentialId)}::uuid[], ${counted.map((t) => t.reason)}::text[],
                    ${counted.map((t) => new Date(t.minute))}::timestamptz[], ${counted.map((t) => t.count)}::int[])
          AS v(org, client, cred, reason, minute, count)
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (organization_id, credential_id, reason, minute) DO UPDATE SET count = request_counts.count + EXCLUDED.count`;
    }

    const byAddress = new Map<string, { address: string; minute: number; count: number }>();
    const countAddress = (address: string, minute: number, count: number) => {
      const key = `${address}\u0000${minute}`;
      const row = byAddress.get(key);
      if (row) row.count += count;
      else byAddress.set(key, { address, minute, count });
    };
    for (const row of unknownClients) countAddress(row.address, row.minute, row.count);
    for (const tally of tallies)
      if (tally.address !== null && !byClientId.has(tally.clientId))
        countAddress(tally.address, tally.minute, tally.count);
    const addresses = [...byAddress.values()].sort((a, b) =>
      a.address === b.address ? a.minute - b.minute : a.address < b.address ? -1 : 1,
    );
    if (addresses.length)
      await tx.$executeRaw`
        INSERT INTO unknown_client_requests (address, minute, count)
        SELECT * FROM unnest(${addresses.map((a) => a.address)}::text[], ${addresses.map((a) => new Date(a.minute))}::timestamptz[],
                             ${addresses.map((a) => a.count)}::int[])
        ON CONFLICT (address, minute) DO UPDATE SET count = unknown_client_requests.count + EXCLUDED.count`;

    return { known: [...byClientId.keys()], unknown: named.filter((clientId) => !byClientId.has(clientId)) };
  });
}

/** Deletes what the request log holds from before `before` (the retention job: 30 days). */
export async function pruneRequestLog({ before }: { before: Date }): Promise<void> {
  await prisma.$transaction([
    prisma.requestLogEntry.deleteMany({ where: { at: { lt: before } } }),
    prisma.requestCount.deleteMany({ where: { minute: { lt: before } } }),
    prisma.unknownClientRequest.deleteMany({ where: { minute: { lt: before } } }),
  ]);
}

/** A logged request as the portal shows it. */
export interface RequestLogRow {
  id: string;
  at: Date;
  endpoint: LoggedEndpoint;
  outcome: Outcome;
  reason: RefusalReason | null;
  status: number;
  scopes: string[];
  address: string;
  userAgent: string;
  credentialId: string | null;
  credentialName: string | null;
}

export interface RequestLogFilter {
  organizationId: string;
  credentialId?: string;
  outcome?: Outcome;
  reason?: RefusalReason;
  from?: Date;
  to?: Date;
  /** Only this request. */
  requestId?: string;
  /** Rows older than this one (the next page). */
  before?: { at: Date; id: string };
  take?: number;
}

const ROW_SELECT = {
  id: true,
  at: true,
  endpoint: true,
  outcome: true,
  reason: true,
  status: true,
  scopes: true,
  address: true,
  userAgent: true,
  credentialId: true,
  credential: { select: { name: true } },
} as const;

type SelectedRow = {
  id: string;
  at: Date;
  endpoint: string;
  outcome: string;
  reason: string | null;
  status: number;
  scopes: string[];
  address: string;
  userAgent: string;
  credentialId: string | null;
  credential: { name: string } | null;
};

function toRow({ credential, ...row }: SelectedRow): RequestLogRow {
  return {
    ...row,
    endpoint: row.endpoint as LoggedEndpoint,
    outcome: row.outcome as Outcome,
    reason: row.reason as RefusalReason | null,
    credentialName: credential?.name ?? null,
  };
}

/** An organization's logged requests, newest first, filtered; one more than `take` tells there is a next page. */
export async function listRequests({
  organizationId,
  credentialId,
  outcome,
  reason,
  from,
  to,
  requestId,
  before,
  take = 50,
}: RequestLogFilter): Promise<RequestLogRow[]> {
  const rows = await prisma.requestLogEntry.findMany({
    where: {
      organizationId,
      ...(credentialId ? { credentialId } : {}),
      ...(outcome ? { outcome } : {}),
      ...(reason ? { reason } : {}),
      ...(requestId ? { id: requestId } : {}),
      at: { ...(from ? { gte: from } : {}), ...(to ? { lt: to } : {}) },
      ...(before ? { OR: [{ at: { lt: before.at } }, { at: before.at, id: { lt: before.id } }] } : {}),
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: take + 1,
    select: ROW_SELECT,
  });
  return rows.map(toRow);
}

/** One request of the organization by its Request-Id; null when it is another's or not logged. */
export async function findRequest({
  organizationId,
  requestId,
}: {
  organizationId: string;
  requestId: string;
}): Promise<RequestLogRow | null> {
  const row = await prisma.requestLogEntry.findFirst({ where: { id: requestId, organizationId }, select: ROW_SELECT });
  return row ? toRow(row) : null;
}

/** Support's look-up: a request by its Request-Id in any organization, with the organization it belongs to. */
export async function findRequestAnywhere({ requestId }: { requestId: string }) {
  return prisma.requestLogEntry.findUnique({
    where: { id: requestId },
    select: { id: true, organizationId: true, credentialId: true, organization: { select: { name: true } } },
  });
}

/** Refusals per hour and reason over the 24 hours up to `now`, from the counts (so complete under a flood). */
export async function refusalsByHour({
  organizationId,
  credentialId,
  now = new Date(),
}: {
  organizationId: string;
  credentialId?: string;
  now?: Date;
}): Promise<{ start: Date; reason: RefusalReason; count: number }[]> {
  const since = new Date(now.getTime() - 86_400_000);
  const rows = await prisma.$queryRaw<{ start: Date; reason: string; count: number }[]>`
    SELECT date_trunc('hour', minute, 'UTC') AS start, reason, sum(count)::int AS count
    FROM request_counts
    WHERE organization_id = ${organizationId}::uuid AND reason IS NOT NULL AND minute > ${since}
      AND (${credentialId ?? null}::uuid IS NULL OR credential_id = ${credentialId ?? null}::uuid)
    GROUP BY 1, 2 ORDER BY 1, 2`;
  return rows.map((row) => ({ ...row, reason: row.reason as RefusalReason }));
}

/** Requests per outcome and reason since `since` (null reason: successes), for one credential or the organization. */
export async function requestTotals({
  organizationId,
  credentialId,
  since,
}: {
  organizationId: string;
  credentialId?: string;
  since: Date;
}): Promise<{ reason: RefusalReason | null; count: number }[]> {
  const rows = await prisma.requestCount.groupBy({
    by: ['reason'],
    where: { organizationId, minute: { gt: since }, ...(credentialId ? { credentialId } : {}) },
    _sum: { count: true },
  });
  return rows
    .map((row) => ({ reason: row.reason as RefusalReason | null, count: row._sum.count ?? 0 }))
    .sort((a, b) => b.count - a.count);
}

/** The addresses that asked most for Client IDs no organization has, since `since` (support's view). */
export async function topUnknownClientAddresses({ since, take = 20 }: { since: Date; take?: number }) {
  const rows = await prisma.unknownClientRequest.groupBy({
    by: ['address'],
    where: { minute: { gt: since } },
    _sum: { count: true },
    orderBy: { _sum: { count: 'desc' } },
    take,
  });
  return rows.map((row) => ({ address: row.address, count: row._sum.count ?? 0 }));
}

/** The audit actions that can explain a refusal (lib/request-log/explain.ts reads them). */
const EXPLAINING_ACTIONS = ['activated', 'deactivated', 'deleted', 'rolled', 'reported_leaked'];
/** Per page of rows, at most this many audit entries are read to explain them (newest first). */
const HISTORY_READ = 500;

/**
 * What the portal knows of the credentials the given requests presented, to explain their refusals: each
 * credential as it is now (deleted ones too) and the audit entries that stop a credential working. Only the
 * organization's credentials and audit entries: another's id finds nothing.
 */
export async function requestFacts({
  organizationId,
  credentialIds,
}: {
  organizationId: string;
  credentialIds: readonly (string | null)[];
}): Promise<Map<string, CredentialFacts>> {
  const ids = [...new Set(credentialIds.filter((id): id is string => id !== null))];
  if (ids.length === 0) return new Map();
  const [credentials, events] = await Promise.all([
    prisma.credential.findMany({
      where: { id: { in: ids }, oauthClient: { organizationId } },
      select: {
        id: true,
        name: true,
        kind: true,
        status: true,
        scopes: true,
        allowedCidrs: true,
        createdAt: true,
        expiresAt: true,
        isDecoy: true,
        replacedBy: { select: { name: true } },
        oauthClient: { select: { organization: { select: { testClockAt: true } } } },
      },
    }),
    prisma.auditEvent.findMany({
      where: { organizationId, credentialId: { in: ids }, action: { in: EXPLAINING_ACTIONS } },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: HISTORY_READ,
      select: {
        credentialId: true,
        action: true,
        createdAt: true,
        actorName: true,
        actorRole: true,
        reason: true,
        details: true,
      },
    }),
  ]);
  const history = new Map<string, CredentialHistoryEntry[]>();
  for (const event of events) {
    if (!event.credentialId) continue;
    const entries = history.get(event.credentialId) ?? [];
    entries.push({
      action: event.action,
      at: event.createdAt,
      actorName: event.actorName,
      actorRole: event.actorRole,
      reason: event.reason,
      details:
        event.details && typeof event.details === 'object' && !Array.isArray(event.details)
          ? (event.details as Record<string, unknown>)
          : {},
    });
    history.set(event.credentialId, entries);
  }
  return new Map(
    credentials.map(({ oauthClient, ...credential }) => [
      credential.id,
      { ...credential, testClockAt: oauthClient.organization.testClockAt, history: history.get(credential.id) ?? [] },
    ]),
  );
}

/** The organization's credentials, deleted ones included (their requests stay in the log), for the filter. */
export async function requestLogCredentials({ organizationId }: { organizationId: string }) {
  return prisma.credential.findMany({
    where: { oauthClient: { organizationId } },
    orderBy: [{ status: 'asc' }, { name: 'asc' }],
    select: { id: true, name: true, kind: true, status: true },
  });
}

/**
 * What the request log page shows: with a Request ID, that request alone (null when it is not the
 * organization's or not logged, or the ID is malformed); otherwise a page of the filtered log, the refusals
 * chart and the credentials to filter by. Each with the facts that explain its refusals.
 */
export async function readRequestLog({
  organizationId,
  query,
  now = new Date(),
  take = 50,
}: {
  organizationId: string;
  query: RequestLogQuery;
  now?: Date;
  take?: number;
}) {
  if (query.requestId !== undefined) {
    const found = query.requestIdValid ? await findRequest({ organizationId, requestId: query.requestId }) : null;
    const facts = await requestFacts({ organizationId, credentialIds: [found?.credentialId ?? null] });
    return { view: 'found' as const, found, facts };
  }
  const from = new Date(now.getTime() - TIME_RANGES[query.range].ms);
  const [rows, chart, credentials] = await Promise.all([
    listRequests({
      organizationId,
      credentialId: query.credentialId,
      outcome: query.outcome,
      reason: query.reason,
      from,
      before: query.before ?? undefined,
      take,
    }),
    refusalsByHour({ organizationId, credentialId: query.credentialId, now }),
    requestLogCredentials({ organizationId }),
  ]);
  const page = rows.slice(0, take);
  const facts = await requestFacts({ organizationId, credentialIds: page.map((row) => row.credentialId) });
  return { view: 'list' as const, rows: page, hasOlder: rows.length > take, chart, credentials, facts };
}

export type RequestLogRead = Awaited<ReturnType<typeof readRequestLog>>;
