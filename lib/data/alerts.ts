import { prisma } from '@/lib/db';
import { canManageCredentials, type Actor } from '@/lib/identity/actor';
import { forbidden, notFound, type CommandResult } from '@/lib/result';
import { recordCredentialEvent, type RequestContext } from '@/lib/data/audit';
import type { Prisma } from '@/lib/generated/prisma/client';

export type AlertKind = 'leak_reported' | 'decoy_used';

/**
 * Raises (or, while one is still unacknowledged, repeats) an alert about a
 * secret for its organization's admins. Safe to call from several instances;
 * call it inside a transaction (the lock is held until it ends).
 */
export async function raiseSecurityAlert(
  db: Prisma.TransactionClient | typeof prisma,
  input: { kind: AlertKind; credentialId: string; address?: string | null; userAgent?: string | null; at?: Date },
) {
  const at = input.at ?? new Date();
  // One open alert per kind and secret, even when several instances raise it at once.
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`alert:${input.kind}:${input.credentialId}`}))`;
  const updated = await db.$executeRaw`
    UPDATE security_alerts SET count = count + 1, last_seen_at = ${at}, last_address = ${input.address ?? null},
           last_user_agent = ${input.userAgent ?? null}
    WHERE kind = ${input.kind} AND secret_id = ${input.credentialId}::uuid AND acknowledged_at IS NULL`;
  if (updated > 0) return;
  await db.$executeRaw`
    INSERT INTO security_alerts (id, organization_id, kind, secret_id, secret_preview, secret_name, last_address, last_user_agent, created_at, last_seen_at)
    SELECT gen_random_uuid(), c.organization_id, ${input.kind}, s.id, s.preview, s.name, ${input.address ?? null}, ${input.userAgent ?? null}, ${at}, ${at}
    FROM secrets s JOIN oauth_clients c ON c.id = s.oauth_client_id WHERE s.id = ${input.credentialId}::uuid`;
}

/** Unacknowledged alerts of the organization, newest first. */
export async function listOpenAlerts({ organizationId }: { organizationId: string }) {
  return prisma.securityAlert.findMany({
    where: { organizationId, acknowledgedAt: null },
    orderBy: { lastSeenAt: 'desc' },
    select: {
      id: true,
      kind: true,
      credentialId: true,
      credentialPreview: true,
      credentialName: true,
      count: true,
      lastAddress: true,
      lastUserAgent: true,
      createdAt: true,
      lastSeenAt: true,
    },
  });
}

export async function acknowledgeAlert({
  actor,
  alertId,
  context,
}: {
  actor: Actor;
  alertId: string;
  context?: RequestContext;
}): Promise<CommandResult> {
  if (!canManageCredentials(actor)) return forbidden('Only an admin can acknowledge security alerts.');
  return prisma.$transaction(async (tx) => {
    const alert = await tx.securityAlert.findFirst({
      where: { id: alertId, organizationId: actor.membership.organizationId, acknowledgedAt: null },
      select: { credentialId: true, kind: true },
    });
    if (!alert) return notFound('This alert was already acknowledged.');
    // Conditional, so that two admins acknowledging at once record it once.
    const { count } = await tx.securityAlert.updateMany({
      where: { id: alertId, acknowledgedAt: null },
      data: { acknowledgedAt: new Date(), acknowledgedById: actor.userId },
    });
    if (count !== 1) return notFound('This alert was already acknowledged.');
    await recordCredentialEvent(tx, {
      credentialId: alert.credentialId,
      actor,
      action: 'alert_acknowledged',
      details: { kind: alert.kind },
      context,
    });
    return { ok: true as const };
  });
}
