import { randomUUID } from 'node:crypto';
import { prisma } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';
import { EVENT_OF_AUDIT_ACTION, EXPIRING_THRESHOLD_DAYS } from '@/lib/events/catalogue';
import type { AccountEventData, AccountEventType } from '@/lib/events/mail';
import { CREDENTIAL_NOW, clockedClients } from '@/lib/data/credential-clock';
import { accountMembership } from '@/lib/data/account-organization';

/**
 * The outbox (table `events`): its one home. Events are written in the transaction of the change they report
 * (audit.ts adds a credential change's event in the statement that writes its audit row), found by the
 * dispatcher (lib/jobs/event-dispatch.ts), and pruned with the deliveries after 30 days.
 */

type Db = Prisma.TransactionClient | typeof prisma;

/** A new message id: also the webhook-id of every attempt to send it. */
export function newEventId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/** SQL: a new message id, as newEventId makes one. */
const NEW_EVENT_ID = Prisma.sql`'msg_' || translate(gen_random_uuid()::text, '-', '')`;

/** SQL: an instant as JSON, the way JavaScript writes it (2026-12-07T09:00:00.000Z). */
const isoTime = (column: Prisma.Sql) =>
  Prisma.sql`to_jsonb(to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * SQL: the credential as events describe it (lib/events/catalogue.ts, EventCredential), from a row of
 * `secrets` aliased `s`, at the transaction's current state (after the change); "expired" on the credential's
 * own clock (a tenant's test clock, when it has one).
 */
export const CREDENTIAL_JSON = Prisma.sql`jsonb_build_object(
  'id', s.id, 'name', s.name, 'kind', lower(s.kind::text), 'preview', s.preview,
  'status', CASE WHEN s.status = 'DELETED' THEN 'deleted'
                 WHEN s.expires_at IS NOT NULL AND s.expires_at <= ${CREDENTIAL_NOW} THEN 'expired'
                 ELSE lower(s.status::text) END,
  'scopes', to_jsonb(s.scopes), 'expires_at', ${isoTime(Prisma.sql`s.expires_at`)})`;

/** The audit actions that are events, as SQL `VALUES (action, type)` rows. */
const ACTION_EVENTS = Prisma.join(
  Object.entries(EVENT_OF_AUDIT_ACTION).map(([action, type]) => Prisma.sql`(${action}, ${type})`),
);

/**
 * SQL for a data-modifying CTE's main statement: the events of the audit rows in CTE `e` (credential
 * events: columns secret_id, actor_id, actor_name, actor_role, action, reason, details, address, user_agent,
 * at), for the actions that are events. audit.ts's recordCredentialEvents runs it in the statement that
 * writes the audit rows, so the two commit together or not at all.
 */
export const EVENTS_OF_AUDIT_ROWS = Prisma.sql`
  INSERT INTO events (id, organization_id, type, data, created_at)
  SELECT ${NEW_EVENT_ID}, c.organization_id, m.type,
         jsonb_strip_nulls(jsonb_build_object(
           'organization_id', c.organization_id,
           'actor', jsonb_build_object(
             'type', CASE WHEN e.actor_role = 'PUBLIC' THEN 'public' WHEN e.actor_id IS NULL THEN 'system' ELSE 'user' END,
             'name', e.actor_name),
           'address', e.address, 'user_agent', e.user_agent, 'reason', e.reason,
           'previous_scopes', CASE WHEN e.action = 'scopes_changed' THEN e.details->'from' END,
           'replacement', CASE WHEN e.action = 'rolled' THEN (
             SELECT jsonb_build_object('id', r.id, 'name', r.name, 'preview', r.preview) FROM secrets r WHERE r.id = s.replaced_by_id) END
         )) || jsonb_build_object('credential', ${CREDENTIAL_JSON}),
         COALESCE(e.at, now())
  FROM e
  JOIN (VALUES ${ACTION_EVENTS}) AS m(action, type) ON m.action = e.action
  JOIN secrets s ON s.id = e.secret_id
  JOIN oauth_clients c ON c.id = s.oauth_client_id`;

/**
 * SQL: credential.new_caller for the callers of a usage batch (CTE-free: arrays of credential ids,
 * addresses, user agents and first-seen instants) whose address the credential has not used for 30 days.
 * Run in the batch's transaction before its callers are written. The key makes it one event per credential,
 * address and day however many instances see the caller at once.
 */
export function newCallerEvents(
  callers: readonly { credentialId: string; address: string; userAgent: string; firstSeen: number }[],
) {
  return Prisma.sql`
    INSERT INTO events (id, organization_id, type, data, dedupe_key, created_at)
    SELECT DISTINCT ON (v.id, v.address)
           ${NEW_EVENT_ID}, c.organization_id, 'credential.new_caller',
           jsonb_build_object('organization_id', c.organization_id, 'address', v.address, 'user_agent', v.ua,
                              'credential', ${CREDENTIAL_JSON}),
           'new_caller:' || v.id || ':' || v.address || ':' || to_char(v.first AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
           v.first
    FROM unnest(${callers.map((c) => c.credentialId)}::uuid[], ${callers.map((c) => c.address)}::text[],
                ${callers.map((c) => c.userAgent)}::text[], ${callers.map((c) => new Date(c.firstSeen))}::timestamptz[])
      AS v(id, address, ua, first)
    JOIN secrets s ON s.id = v.id
    JOIN oauth_clients c ON c.id = s.oauth_client_id
    WHERE NOT EXISTS (
      SELECT 1 FROM secret_callers k
      WHERE k.secret_id = v.id AND k.address = v.address AND k.last_seen > v.first - interval '30 days')
    ORDER BY v.id, v.address, v.first
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

/**
 * credential.expiring for every credential that stops (its expiry, or the end of a roll's grace period)
 * within 14, 7 or 1 days of its now: once per threshold, the tightest one crossed (a secret created to expire
 * in 3 days gets the 7-day notice, then the 1-day one). Its now is `now` (real time, or the process's test
 * offset: lib/clock.ts), or its tenant's test clock when it has one; the event is dated at that instant. Run
 * every few seconds by the leader, and at each stop of a tenant's clock as it moves (`organizationId` limits
 * it to that tenant); the key makes it once across instances and runs.
 */
export async function recordExpiringEvents({
  now = new Date(),
  organizationId,
}: {
  now?: Date;
  organizationId?: string;
} = {}): Promise<number> {
  const thresholds = [...EXPIRING_THRESHOLD_DAYS];
  const scope = organizationId
    ? Prisma.sql`AND s.oauth_client_id IN (SELECT id FROM oauth_clients WHERE organization_id = ${organizationId}::uuid)`
    : Prisma.empty;
  // Within 14 days of `at` (the row's now), by its expiry or its grace end: each a range on an indexed column.
  const near = Prisma.sql`((s.expires_at > at.now AND s.expires_at <= at.now + interval '14 days')
                        OR (s.deactivate_at > at.now AND s.deactivate_at <= at.now + interval '14 days'))`;
  return prisma.$executeRaw`
    WITH clocked AS (${clockedClients(organizationId)}),
    near AS (
      SELECT s.*, at.now FROM secrets s CROSS JOIN (SELECT ${now}::timestamptz AS now) at
      WHERE ${near} AND s.oauth_client_id NOT IN (SELECT id FROM clocked) ${scope}
      UNION ALL
      SELECT s.*, at.now FROM (SELECT id, at AS now FROM clocked) at JOIN secrets s ON s.oauth_client_id = at.id
      WHERE ${near}
    ),
    due AS (
      SELECT s.*, stop.at AS stops_at, stop.because,
             (SELECT min(d) FROM unnest(${thresholds}::int[]) AS d WHERE stop.at <= s.now + d * interval '1 day') AS days
      FROM near s
      CROSS JOIN LATERAL (
        SELECT CASE WHEN s.deactivate_at IS NOT NULL AND (s.expires_at IS NULL OR s.deactivate_at < s.expires_at)
                    THEN s.deactivate_at ELSE s.expires_at END AS at,
               CASE WHEN s.deactivate_at IS NOT NULL AND (s.expires_at IS NULL OR s.deactivate_at < s.expires_at)
                    THEN 'roll_grace_period' ELSE 'expiry' END AS because) stop
      WHERE s.status <> 'DELETED' AND s.is_decoy = false
        AND (s.status = 'ACTIVE' OR s.deactivate_at IS NOT NULL)
        AND stop.at > s.now AND stop.at <= s.now + interval '14 days'
    )
    INSERT INTO events (id, organization_id, type, data, dedupe_key, created_at)
    SELECT ${NEW_EVENT_ID}, c.organization_id, 'credential.expiring',
           jsonb_build_object('organization_id', c.organization_id, 'stops_at', ${isoTime(Prisma.sql`s.stops_at`)},
                              'stops_because', s.because, 'days', s.days, 'credential', ${CREDENTIAL_JSON}),
           'expiring:' || s.id || ':' || extract(epoch FROM s.stops_at)::bigint || ':' || s.days,
           s.now
    FROM due s
    JOIN oauth_clients c ON c.id = s.oauth_client_id
    ON CONFLICT (dedupe_key) DO NOTHING`;
}

export interface NewEvent {
  id?: string;
  organizationId: string | null;
  userId?: string | null;
  type: string;
  data: Prisma.InputJsonObject;
  test?: boolean;
  /** Already handed to its deliveries (a test event goes to one endpoint, not through the dispatcher). */
  dispatched?: boolean;
}

/** Writes events in the caller's transaction; returns their ids. */
export async function recordEvents(db: Db, events: readonly NewEvent[]): Promise<string[]> {
  const rows = events.map((event) => ({
    id: event.id ?? newEventId(),
    organizationId: event.organizationId,
    userId: event.userId ?? null,
    type: event.type,
    data: event.data,
    test: event.test ?? false,
    dispatchedAt: event.dispatched ? new Date() : null,
  }));
  if (rows.length) await db.event.createMany({ data: rows });
  return rows.map((row) => row.id);
}

/** An event as the dispatcher hands it on. */
export interface DispatchedEvent {
  id: string;
  type: string;
  organizationId: string | null;
  userId: string | null;
  data: unknown;
  createdAt: Date;
  test: boolean;
}

/**
 * Takes up to `limit` events nobody has dispatched, oldest first, locking them for the caller's transaction
 * (other instances skip them), and stamps them dispatched when that transaction commits.
 */
export async function claimUndispatchedEvents(tx: Prisma.TransactionClient, limit: number): Promise<DispatchedEvent[]> {
  const rows = await tx.$queryRaw<
    {
      id: string;
      type: string;
      organization_id: string | null;
      user_id: string | null;
      data: unknown;
      created_at: Date;
      test: boolean;
    }[]
  >`
    UPDATE events SET dispatched_at = now()
    WHERE id IN (SELECT id FROM events WHERE dispatched_at IS NULL ORDER BY created_at LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, type, organization_id, user_id, data, created_at, test`;
  return rows
    .map((row) => ({
      id: row.id,
      type: row.type,
      organizationId: row.organization_id,
      userId: row.user_id,
      data: row.data,
      createdAt: row.created_at,
      test: row.test,
    }))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Deletes events (and with them their deliveries and attempts) older than `before` (the retention job). */
export async function pruneEvents({ before }: { before: Date }): Promise<void> {
  await prisma.event.deleteMany({ where: { createdAt: { lt: before }, dispatchedAt: { not: null } } });
}

/**
 * Appends an event about a user's own account (a new browser, password, factors, recovery code, sign out
 * everywhere) to the outbox, for the dispatcher to email to that user alone. Call it with the transaction
 * that writes the change's audit row, so that a rolled-back change sends no mail. The organization is read
 * with the user in the same statement (none for support staff); `data` never holds a secret or a code.
 */
export async function recordAccountMailEvent(
  db: Db,
  input: {
    userId: string;
    type: AccountEventType;
    /** Where the change came from: the mail says so. */
    context?: { address?: string | null; userAgent?: string | null };
    data?: Omit<AccountEventData, 'address' | 'user_agent'>;
    /** The organization it is tagged with, if the user is a member of it (else their oldest membership). */
    organizationId?: string | null;
  },
): Promise<void> {
  const data: AccountEventData = {
    ...input.data,
    address: input.context?.address ?? null,
    user_agent: input.context?.userAgent?.slice(0, 512) ?? null,
  };
  await db.$executeRaw`
    INSERT INTO events (id, organization_id, user_id, type, data)
    SELECT ${newEventId()}, m.organization_id, u.id, ${input.type},
           ${JSON.stringify(data)}::jsonb
             || CASE WHEN m.organization_id IS NULL THEN '{}'::jsonb
                     ELSE jsonb_build_object('organization_id', m.organization_id) END
    FROM users u LEFT JOIN LATERAL (${accountMembership('u.id', input.organizationId)}) m ON true
    WHERE u.id = ${input.userId}::uuid`;
}
