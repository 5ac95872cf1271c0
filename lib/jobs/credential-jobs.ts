import { prisma } from '@/lib/db';
import { applyCredentialChange } from '@/lib/data/credential-change';

/** The most secrets one run of a job changes; the next run, a second later, takes the rest. */
const BATCH = 500;

/**
 * Records, once, each secret whose expiry has passed ("Expired", by the system,
 * dated at the expiry). The token endpoint refused it from that instant already.
 */
export async function recordExpiries(now = new Date()): Promise<number> {
  const due = await prisma.$queryRaw<{ id: string; expiresAt: Date }[]>`
    SELECT id::text, expires_at AS "expiresAt" FROM secrets
    WHERE expires_at <= ${now} AND expiry_recorded_at IS DISTINCT FROM expires_at AND status <> 'DELETED'
    ORDER BY expires_at LIMIT ${BATCH}`;
  let recorded = 0;
  for (const { id, expiresAt } of due) {
    const result = await applyCredentialChange({
      credentialId: id,
      now,
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
 * Deactivates rolled secrets whose grace period has ended and records each, as
 * the system. Run by every instance every second; each secret is changed, and
 * recorded, by exactly one of them.
 */
export async function runScheduledDeactivations(now = new Date()): Promise<number> {
  const due = await prisma.credential.findMany({
    where: { status: 'ACTIVE', deactivateAt: { lte: now } },
    select: { id: true, deactivateAt: true },
    orderBy: { deactivateAt: 'asc' },
    take: BATCH,
  });
  let deactivated = 0;
  for (const { id, deactivateAt } of due) {
    const result = await applyCredentialChange({
      credentialId: id,
      action: 'deactivate',
      now,
      where: { deactivateAt },
      data: { status: 'DISABLED', deactivatedAt: deactivateAt },
      event: { actor: null, action: 'deactivated', details: { scheduled: true }, at: deactivateAt! },
    });
    if (result.ok) deactivated += 1;
  }
  return deactivated;
}
