import { newCallerEvents } from '@/lib/data/events';
import { prisma } from '@/lib/db';
import { ACCESS_TOKEN_TTL_SECONDS } from '@/lib/credentials/rules';
import { lastRolledAt, recordCredentialEvents } from '@/lib/data/audit';
import { stampLastUses, type LastUse } from '@/lib/data/credential-change';
import { ownedCredentialId } from '@/lib/data/credential-queries';

/**
 * The home of credential_usage (tokens per credential per minute) and credential_callers (who calls with a
 * credential: one row per source address and user agent): the token endpoint's batches write them here, the
 * portal reads them here, and the retention job prunes them here. Usage is written in batches every few
 * seconds (USAGE_FLUSH_MS), so these figures trail by that much.
 */

/** One of an organization's secrets, looked at as of `now`. */
interface CredentialQuery {
  organizationId: string;
  credentialId: string;
  now?: Date;
}

export interface UsageSummary {
  lastHour: number;
  last24Hours: number;
  /** Access tokens issued in the last 30 minutes: those that have not expired yet. */
  unexpiredTokens: number;
  lastUsedAt: Date | null;
}

export async function getUsageSummary({
  organizationId,
  credentialId,
  now = new Date(),
}: CredentialQuery): Promise<UsageSummary | null> {
  const id = await ownedCredentialId({ organizationId, credentialId });
  if (!id) return null;
  const [row] = await prisma.$queryRaw<{ hour: number; day: number; live: number; last: Date | null }[]>`
    SELECT
      coalesce(sum(count) FILTER (WHERE minute > ${new Date(now.getTime() - 3_600_000)}), 0)::int AS hour,
      coalesce(sum(count) FILTER (WHERE minute > ${new Date(now.getTime() - 86_400_000)}), 0)::int AS day,
      coalesce(sum(count) FILTER (WHERE minute > ${new Date(now.getTime() - ACCESS_TOKEN_TTL_SECONDS * 1000 - 60_000)}), 0)::int AS live,
      (SELECT last_used_at FROM secrets WHERE id = ${id}::uuid) AS last
    FROM secret_usage WHERE secret_id = ${id}::uuid AND minute > ${new Date(now.getTime() - 86_400_000)}`;
  return { lastHour: row!.hour, last24Hours: row!.day, unexpiredTokens: row!.live, lastUsedAt: row!.last };
}

export interface UsagePoint {
  start: Date;
  count: number;
}

/** Tokens per hour over the last 24 hours and per day over the last 30 days, gaps filled with zero. */
export async function getUsageSeries({ organizationId, credentialId, now = new Date() }: CredentialQuery) {
  const id = await ownedCredentialId({ organizationId, credentialId });
  if (!id) return null;
  const [hourly, daily] = await Promise.all([series(id, now, 'hour', 24), series(id, now, 'day', 30)]);
  return { hourly, daily };
}

/** The secret's tokens per `unit` over the last `count` of them, the current one included. */
function series(id: string, now: Date, unit: 'hour' | 'day', count: number) {
  const step = `1 ${unit}`;
  const span = `${count - 1} ${unit}s`;
  return prisma.$queryRaw<UsagePoint[]>`
    SELECT g.start, coalesce(sum(u.count), 0)::int AS count
    FROM generate_series(date_trunc(${unit}, ${now}::timestamptz, 'UTC') - ${span}::interval, date_trunc(${unit}, ${now}::timestamptz, 'UTC'), ${step}::interval) AS g(start)
    LEFT JOIN secret_usage u ON u.secret_id = ${id}::uuid AND u.minute >= g.start AND u.minute < g.start + ${step}::interval
    GROUP BY g.start ORDER BY g.start`;
}

/** A source address and user agent that called with a credential, as the portal shows it. */
export interface Caller {
  address: string;
  userAgent: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
}

/** Distinct source address and user agent that used the secret in the last 30 days, most recent first. */
export async function listCallers({ organizationId, credentialId, now = new Date() }: CredentialQuery) {
  const id = await ownedCredentialId({ organizationId, credentialId });
  if (!id) return null;
  return prisma.credentialCaller.findMany({
    where: { credentialId: id, lastSeen: { gt: new Date(now.getTime() - 30 * 86_400_000) } },
    orderBy: { lastSeen: 'desc' },
    select: { address: true, userAgent: true, firstSeen: true, lastSeen: true, count: true },
    take: 200,
  }) as Promise<Caller[]>;
}

/** Callers of a rolled secret seen after it was rolled: who has not moved to the replacement yet. */
export async function callersSinceRoll({ organizationId, credentialId }: CredentialQuery) {
  const id = await ownedCredentialId({ organizationId, credentialId });
  if (!id) return null;
  const rolledAt = await lastRolledAt({ organizationId, credentialId: id });
  if (!rolledAt) return null;
  return prisma.credentialCaller.count({ where: { credentialId: id, lastSeen: { gt: rolledAt } } });
}

/** What one flush of the token endpoints' counters writes; times are epoch milliseconds. */
export interface UsageBatch {
  counts: readonly { credentialId: string; minute: number; count: number }[];
  callers: readonly CallerTally[];
  lastUses: readonly LastUse[];
  /** Attempts refused because of the credential's address allowlist (already thinned to one a minute). */
  blocked: readonly { credentialId: string; address: string; userAgent: string; at: number }[];
}

/** A caller as the token endpoint counts it in memory between flushes. */
export interface CallerTally {
  credentialId: string;
  address: string;
  userAgent: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
}

/**
 * Writes one batch in one transaction: tokens per minute, callers, the credentials' last use and the blocked
 * attempts' audit rows. Rows of credentials deleted meanwhile are dropped.
 */
export async function writeUsageBatch({ counts, callers, lastUses, blocked }: UsageBatch): Promise<void> {
  // The credentials this batch refers to, locked up front in id order, the order a tenant's deletion locks
  // them in: the statements below then take them in whatever order their arrays give without deadlocking.
  const credentialIds = [
    ...new Set([...counts, ...callers].map((c) => c.credentialId).concat(lastUses.map((u) => u.credentialId))),
  ];
  await prisma.$transaction([
    prisma.$executeRaw`SELECT 1 FROM secrets WHERE id = ANY(${credentialIds}::uuid[]) ORDER BY id FOR KEY SHARE`,
    prisma.$executeRaw`
      INSERT INTO secret_usage (secret_id, minute, count)
      SELECT v.id, v.minute, v.count
      FROM unnest(${counts.map((c) => c.credentialId)}::uuid[], ${counts.map((c) => new Date(c.minute))}::timestamptz[], ${counts.map((c) => c.count)}::int[])
        AS v(id, minute, count)
      WHERE EXISTS (SELECT 1 FROM secrets s WHERE s.id = v.id)
      ON CONFLICT (secret_id, minute) DO UPDATE SET count = secret_usage.count + EXCLUDED.count`,
    // Before the callers are written: an address is new when no caller row has it for the last 30 days.
    prisma.$executeRaw(newCallerEvents(callers)),
    prisma.$executeRaw`
      INSERT INTO secret_callers (secret_id, address, user_agent, first_seen, last_seen, count)
      SELECT v.id, v.address, v.ua, v.first, v.last, v.count
      FROM unnest(${callers.map((c) => c.credentialId)}::uuid[], ${callers.map((c) => c.address)}::text[], ${callers.map((c) => c.userAgent)}::text[],
                  ${callers.map((c) => new Date(c.firstSeen))}::timestamptz[], ${callers.map((c) => new Date(c.lastSeen))}::timestamptz[], ${callers.map((c) => c.count)}::int[])
        AS v(id, address, ua, first, last, count)
      WHERE EXISTS (SELECT 1 FROM secrets s WHERE s.id = v.id)
      ON CONFLICT (secret_id, address, user_agent) DO UPDATE SET
        first_seen = LEAST(secret_callers.first_seen, EXCLUDED.first_seen),
        last_seen = GREATEST(secret_callers.last_seen, EXCLUDED.last_seen),
        count = secret_callers.count + EXCLUDED.count`,
    stampLastUses(lastUses),
    recordCredentialEvents(
      prisma,
      blocked.map((b) => ({
        credentialId: b.credentialId,
        actor: 'token-endpoint' as const,
        action: 'blocked_address',
        context: { address: b.address, userAgent: b.userAgent },
        at: new Date(b.at),
      })),
    ),
  ]);
}

/** Deletes usage and callers older than `before` (the retention job). */
export async function pruneUsage({ before }: { before: Date }): Promise<void> {
  await prisma.$transaction([
    prisma.credentialUsage.deleteMany({ where: { minute: { lt: before } } }),
    prisma.credentialCaller.deleteMany({ where: { lastSeen: { lt: before } } }),
  ]);
}
