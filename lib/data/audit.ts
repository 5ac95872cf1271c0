import { prisma } from '@/lib/db';
import type { Actor } from '@/lib/identity/actor';
import type { Prisma } from '@/lib/generated/prisma/client';
import { accountMembership } from '@/lib/data/account-organization';
import { ownedCredentialId } from '@/lib/data/credential-queries';
import { EVENTS_OF_AUDIT_ROWS } from '@/lib/data/events';

/** Where a change came from, recorded with its event. */
export interface RequestContext {
  address?: string | null;
  userAgent?: string | null;
}

type Db = Prisma.TransactionClient | typeof prisma;

/** Who did it: a person, the system's scheduled work (null), an anonymous reporter, or the token endpoint. */
export type AuditActor = Actor | null | 'public' | 'token-endpoint';

/** SYSTEM for scheduled work and the token endpoint, PUBLIC for anonymous reporters, otherwise the actor's role at the time. */
export function roleOf(actor: AuditActor): string {
  if (actor === null || actor === 'token-endpoint') return 'SYSTEM';
  if (actor === 'public') return 'PUBLIC';
  return actor.platformRole ?? actor.membership?.role ?? 'UNKNOWN';
}

function nameOf(actor: AuditActor): string {
  if (actor === null) return 'System';
  if (actor === 'public') return 'Secret reporter';
  if (actor === 'token-endpoint') return 'Token endpoint';
  return actor.name;
}

export interface CredentialEvent {
  credentialId: string;
  actor: AuditActor;
  action: string;
  details?: Prisma.InputJsonObject;
  reason?: string | null;
  priority?: 'normal' | 'high';
  context?: RequestContext;
  /** When it happened, if not now (a scheduled deactivation is dated at its due instant). */
  at?: Date;
}

/**
 * Appends events about credentials to their organizations' audit trails, in one statement, and, in the same
 * statement, the outbox events of those that are events (lib/data/events.ts): a committed change has its
 * event, a rolled-back one has none. The organization, the preview and the name are read from each
 * credential in the same statement (a rename's event carries the new name), so that the log names the
 * credential as it was even after it is renamed or deleted. It returns the statement unawaited, so that it
 * can also take part in a batch transaction (`prisma.$transaction([...])`).
 */
export function recordCredentialEvents(db: Db, events: readonly CredentialEvent[]) {
  const column = <T>(pick: (event: CredentialEvent) => T) => events.map(pick);
  return db.$executeRaw`
    WITH e AS (
      SELECT * FROM unnest(${column((e) => e.credentialId)}::uuid[],
                ${column((e) => (e.actor && typeof e.actor === 'object' ? e.actor.userId : null))}::uuid[],
                ${column((e) => nameOf(e.actor))}::text[], ${column((e) => roleOf(e.actor))}::text[], ${column((e) => e.action)}::text[],
                ${column((e) => e.reason ?? null)}::text[], ${column((e) => e.priority ?? 'normal')}::text[],
                ${column((e) => JSON.stringify(e.details ?? {}))}::jsonb[], ${column((e) => e.context?.address ?? null)}::text[],
                ${column((e) => e.context?.userAgent?.slice(0, 512) ?? null)}::text[], ${column((e) => e.at ?? null)}::timestamptz[])
        AS e(secret_id, actor_id, actor_name, actor_role, action, reason, priority, details, address, user_agent, at)
    ), audit AS (
      INSERT INTO audit_events (id, organization_id, actor_id, actor_name, actor_role, action, secret_id, secret_preview,
                                secret_name, reason, priority, details, address, user_agent, created_at)
      SELECT gen_random_uuid(), c.organization_id, e.actor_id, e.actor_name, e.actor_role, e.action, s.id, s.preview,
             s.name, e.reason, e.priority, e.details, e.address, e.user_agent, COALESCE(e.at, now())
      FROM e
      JOIN secrets s ON s.id = e.secret_id
      JOIN oauth_clients c ON c.id = s.oauth_client_id
    )
    ${EVENTS_OF_AUDIT_ROWS}`;
}

/** Appends one event about a secret to its organization's audit trail. */
export async function recordCredentialEvent(db: Db, input: CredentialEvent) {
  await recordCredentialEvents(db, [input]);
}

/** Appends an event about the organization as a whole (a support-staff view, a webhook endpoint; null: the system). */
export async function recordOrganizationEvent(
  db: Db,
  input: {
    organizationId: string;
    actor: Actor | null;
    action: string;
    reason?: string | null;
    details?: Prisma.InputJsonObject;
    context?: RequestContext;
  },
) {
  await db.auditEvent.create({
    data: {
      organizationId: input.organizationId,
      actorId: input.actor?.userId ?? null,
      actorName: nameOf(input.actor),
      actorRole: roleOf(input.actor),
      action: input.action,
      reason: input.reason ?? null,
      ...(input.details ? { details: input.details } : {}),
      address: input.context?.address ?? null,
      userAgent: input.context?.userAgent?.slice(0, 512) ?? null,
    },
  });
}

/**
 * Appends an event about a user's own account (sign-in, factors, sessions). It goes to the trail of
 * `organizationId` when the user is a member there (the organization a session works in), else of the user's
 * oldest membership, or to the platform's log (no organization) for support staff. One row, whatever the
 * number of memberships. The organization and roles are read with the user in the same statement, so a stale
 * actor cannot misfile it.
 */
export async function recordAccountEvent(
  db: Db,
  input: {
    userId: string;
    action: string;
    details?: Prisma.InputJsonObject;
    reason?: string | null;
    priority?: 'normal' | 'high';
    context?: RequestContext;
    /** Who acted when it was not the user themself (an admin ending someone's sessions). */
    actor?: Actor;
    /** The organization whose trail it belongs to, if the user is a member of it. */
    organizationId?: string | null;
  },
) {
  const actorId = input.actor?.userId ?? input.userId;
  await db.$executeRaw`
    INSERT INTO audit_events (id, organization_id, actor_id, actor_name, actor_role, action, reason, priority, details,
                              address, user_agent)
    SELECT gen_random_uuid(), m.organization_id, a.id, a.name, COALESCE(a.platform_role::text, am.role::text, 'UNKNOWN'),
           ${input.action}, ${input.reason ?? null}, ${input.priority ?? 'normal'},
           ${JSON.stringify({ ...(input.details ?? {}), ...(input.actor ? { subjectId: input.userId } : {}) })}::jsonb,
           ${input.context?.address ?? null}, ${input.context?.userAgent?.slice(0, 512) ?? null}
    FROM users u
    LEFT JOIN LATERAL (${accountMembership('u.id', input.organizationId ?? input.actor?.membership?.organizationId)}) m ON true
    JOIN users a ON a.id = ${actorId}::uuid
    LEFT JOIN memberships am ON am.user_id = a.id AND am.organization_id = m.organization_id
    WHERE u.id = ${input.userId}::uuid`;
}

export { AUDIT_ACTIONS } from '@/lib/data/audit-text';

export interface AuditFilters {
  credentialId?: string;
  action?: string;
  actorId?: string;
}

export interface AuditCursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: AuditCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(text: string | undefined): AuditCursor | null {
  if (!text) return null;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) return null;
    return { createdAt, id };
  } catch {
    return null;
  }
}

/**
 * One page of the organization's trail, newest first. Keyset pagination on
 * (created_at, id) walks the index backwards, so page 1,000 costs what page 1 does.
 */
export async function listAuditEvents({
  organizationId,
  filters = {},
  cursor = null,
  limit = 50,
}: {
  organizationId: string;
  filters?: AuditFilters;
  cursor?: AuditCursor | null;
  limit?: number;
}) {
  const where: Prisma.AuditEventWhereInput = {
    organizationId,
    ...(filters.credentialId
      ? {
          OR: [
            { credentialId: filters.credentialId },
            { details: { path: ['replacementId'], equals: filters.credentialId } },
          ],
        }
      : {}),
    ...(filters.action ? { action: filters.action } : {}),
    ...(filters.actorId ? { actorId: filters.actorId } : {}),
    ...(cursor
      ? {
          AND: [
            {
              OR: [
                { createdAt: { lt: new Date(cursor.createdAt) } },
                { createdAt: new Date(cursor.createdAt), id: { lt: cursor.id } },
              ],
            },
          ],
        }
      : {}),
  };
  const rows = await prisma.auditEvent.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    events: await withCurrentNames(organizationId, page),
    nextCursor:
      rows.length > limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null,
  };
}

/**
 * Rows written before names were recorded carry none: they name their credential as it is called now
 * (deleted credentials keep their row and name), so that older entries read like newer ones.
 */
async function withCurrentNames<E extends { credentialId: string | null; credentialName: string | null }>(
  organizationId: string,
  events: E[],
): Promise<E[]> {
  const unnamed = [
    ...new Set(events.flatMap((e) => (e.credentialId && e.credentialName === null ? [e.credentialId] : []))),
  ];
  if (unnamed.length === 0) return events;
  const secrets = await prisma.credential.findMany({
    where: { id: { in: unnamed }, oauthClient: { organizationId } },
    select: { id: true, name: true },
  });
  const names = new Map(secrets.map((s) => [s.id, s.name]));
  return events.map((e) =>
    e.credentialId && e.credentialName === null ? { ...e, credentialName: names.get(e.credentialId) ?? null } : e,
  );
}

/** The people and secrets that appear in the trail, for the filters. */
export async function auditFilterOptions({ organizationId }: { organizationId: string }) {
  const [actors, secrets] = await Promise.all([
    prisma.$queryRaw<{ id: string; name: string }[]>`
      SELECT DISTINCT ON (actor_id) actor_id AS id, actor_name AS name FROM audit_events
      WHERE organization_id = ${organizationId}::uuid AND actor_id IS NOT NULL ORDER BY actor_id, created_at DESC`,
    prisma.credential.findMany({
      where: { oauthClient: { organizationId } },
      select: { id: true, name: true, preview: true },
      orderBy: { createdAt: 'desc' },
    }),
  ]);
  return { actors, secrets };
}

/** A credential's history: its audit rows, newest first; null when the organization does not own it. */
export async function listCredentialEvents({
  organizationId,
  credentialId,
}: {
  organizationId: string;
  credentialId: string;
}) {
  const id = await ownedCredentialId({ organizationId, credentialId });
  if (!id) return null;
  const { events } = await listAuditEvents({ organizationId, filters: { credentialId: id }, limit: 500 });
  return events;
}

/** When the credential was last rolled (its `rolled` audit row), or null. */
export async function lastRolledAt({
  organizationId,
  credentialId,
}: {
  organizationId: string;
  credentialId: string;
}): Promise<Date | null> {
  const rolled = await prisma.auditEvent.findFirst({
    where: { organizationId, credentialId, action: 'rolled' },
    orderBy: { createdAt: 'desc' },
    select: { createdAt: true },
  });
  return rolled?.createdAt ?? null;
}
