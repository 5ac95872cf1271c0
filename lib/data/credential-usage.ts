import { prisma } from '@/lib/db';
import { ACCESS_TOKEN_TTL_SECONDS } from '@/lib/credentials/rules';
import { listAuditEvents } from '@/lib/data/audit';

/** Usage is written in batches every few seconds (USAGE_FLUSH_MS), so these figures trail by that much. */

/** One of an organization's secrets, looked at as of `now`. */
interface CredentialQuery {
  organizationId: string;
  credentialId: string;
  now?: Date;
}

/** The secret's id when the organization owns it; null for another organization's or no secret. */
async function ownedCredentialId(organizationId: string, credentialId: string) {
  const row = await prisma.credential.findFirst({
    where: { id: credentialId, oauthClient: { organizationId } },
    select: { id: true },
  });
  return row?.id ?? null;
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
  const id = await ownedCredentialId(organizationId, credentialId);
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
  const id = await ownedCredentialId(organizationId, credentialId);
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

export interface Caller {
  address: string;
  userAgent: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
}

/** Distinct source address and user agent that used the secret in the last 30 days, most recent first. */
export async function listCallers({ organizationId, credentialId, now = new Date() }: CredentialQuery) {
  const id = await ownedCredentialId(organizationId, credentialId);
  if (!id) return null;
  return prisma.credentialCaller.findMany({
    where: { credentialId: id, lastSeen: { gt: new Date(now.getTime() - 30 * 86_400_000) } },
    orderBy: { lastSeen: 'desc' },
    select: { address: true, userAgent: true, firstSeen: true, lastSeen: true, count: true },
    take: 200,
  }) as Promise<Caller[]>;
}

export async function listCredentialEvents({ organizationId, credentialId }: CredentialQuery) {
  const id = await ownedCredentialId(organizationId, credentialId);
  if (!id) return null;
  const { events } = await listAuditEvents({ organizationId, filters: { credentialId: id }, limit: 500 });
  return events;
}

/** Callers of a rolled secret seen after it was rolled: who has not moved to the replacement yet. */
export async function callersSinceRoll({ organizationId, credentialId }: CredentialQuery) {
  const id = await ownedCredentialId(organizationId, credentialId);
  if (!id) return null;
  const rolled = await prisma.auditEvent.findFirst({
    where: { organizationId, credentialId: id, action: 'rolled' },
    orderBy: { createdAt: 'desc' },
  });
  if (!rolled) return null;
  return prisma.credentialCaller.count({ where: { credentialId: id, lastSeen: { gt: rolled.createdAt } } });
}
