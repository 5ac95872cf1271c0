import { prisma } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import { applyCredentialChange } from '@/lib/data/credential-change';
import { clockedClients } from '@/lib/data/credential-clock';

/** The most secrets one run changes; the next run, a second later, takes the rest. */
const BATCH = 500;

/**
 * The credentials whose `column` instant has come, each with the instant it is judged at: `now` for
 * organizations on real time (found through the column's index), a tenant's test clock for its own. With
 * `organizationId`, only that organization's.
 */
function dueAt(column: 'expires_at' | 'deactivate_at', condition: Prisma.Sql, now: Date, organizationId?: string) {
  const col = Prisma.raw(`s.${column}`);
  const scope = organizationId
    ? Prisma.sql`AND s.oauth_client_id IN (SELECT id FROM oauth_clients WHERE organization_id = ${organizationId}::uuid)`
    : Prisma.empty;
  return prisma.$queryRaw<{ id: string; instant: Date; at: Date }[]>`
    WITH clocked AS (${clockedClients(organizationId)})
    SELECT * FROM (
      SELECT s.id::text, ${col} AS instant, ${now}::timestamptz AS at FROM secrets s
      WHERE ${col} <= ${now} AND s.oauth_client_id NOT IN (SELECT id FROM clocked) AND ${condition} ${scope}
      UNION ALL
      SELECT s.id::text, ${col} AS instant, k.at FROM clocked k JOIN secrets s ON s.oauth_client_id = k.id
      WHERE ${col} <= k.at AND ${condition}
    ) due
    ORDER BY instant LIMIT ${BATCH}`;
}

/**
 * Records, once, each secret whose expiry has passed ("Expired", by the system, dated at the expiry). The
 * token endpoint refused it from that instant already. A tenant's secrets expire on its test clock.
 */
export async function recordExpiries(now = new Date(), organizationId?: string): Promise<number> {
  const due = await dueAt(
    'expires_at',
    Prisma.sql`s.expiry_recorded_at IS DISTINCT FROM s.expires_at AND s.status <> 'DELETED'`,
    now,
    organizationId,
  );
  let recorded = 0;
  for (const { id, instant: expiresAt, at } of due) {
    const result = await applyCredentialChange({
      credentialId: id,
      now: at,
      // Still this expiry, and not recorded yet: an instance that got there first, or a new expiry, wins.
      where: { expiresAt, OR: [{ expiryRecordedAt: null }, { expiryRecordedAt: { not: expiresAt } }] },
      data: { expiryRecordedAt: expiresAt },
      event: { actor: null, action: 'expired', at: expiresAt },
    });
    if (result.ok) recorded += 1;
  }
  return recorded;
}

/**
 * Deactivates rolled secrets whose grace period has ended (on its tenant's test clock for a tenant's) and
 * records each, as the system. Run by the leader every second; each secret is changed, and recorded, once.
 */
export async function runScheduledDeactivations(now = new Date(), organizationId?: string): Promise<number> {
  const due = await dueAt('deactivate_at', Prisma.sql`s.status = 'ACTIVE'`, now, organizationId);
  let deactivated = 0;
  for (const { id, instant: deactivateAt, at } of due) {
    const result = await applyCredentialChange({
      credentialId: id,
      action: 'deactivate',
      now: at,
      where: { deactivateAt },
      data: { status: 'DISABLED', deactivatedAt: deactivateAt },
      event: { actor: null, action: 'deactivated', details: { scheduled: true }, at: deactivateAt },
    });
    if (result.ok) deactivated += 1;
  }
  return deactivated;
}
