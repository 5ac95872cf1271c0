import { randomUUID } from 'node:crypto';
import { prisma } from '@/lib/db';
import { QUEUES, enqueueJobs, jobId } from '@/lib/db/job-queue';
import type { Prisma } from '@/lib/generated/prisma/client';
import { isEventType, type EventData, type EventType } from '@/lib/events/catalogue';
import { sampleEventData } from '@/lib/events/samples';
import { DISABLE_FAILING_AFTER_MS } from '@/lib/events/delivery-schedule';
import { recordEvents, type DispatchedEvent } from '@/lib/data/events';
import { recordOrganizationEvent } from '@/lib/data/audit';
import { openSigningSecrets } from '@/lib/data/webhook-endpoints';

/**
 * The home of webhook_deliveries and webhook_attempts: the dispatcher's fan-out, each attempt's record and
 * the next one's job (in one transaction), the endpoint's failure streak, and what the portal shows.
 */

type Tx = Prisma.TransactionClient;

/** The job of one attempt: one per delivery and attempt number, however often it is inserted. */
export interface DeliveryJob {
  deliveryId: string;
  attempt: number;
}

/**
 * How long a worker holds an attempt's job before pg-boss gives it to another: an attempt may wait for one of
 * its endpoint's slots (up to one 15 s attempt) and then run (up to 15 s more). A worker that dies mid-attempt
 * is noticed after this and the attempt made again, with the same webhook-id.
 */
const DELIVERY_LEASE_SECONDS = 35;

/**
 * The job of one attempt. Its id is the same for the same delivery and attempt, so inserting it twice makes
 * one; `also` names a second job for the same attempt (put off, or resent while a retry waits), and whichever
 * runs first makes the attempt while the other finds it recorded.
 */
export function deliveryJob(job: DeliveryJob, { startAfter, also }: { startAfter?: Date; also?: string } = {}) {
  return {
    id: jobId(`webhook-delivery:${job.deliveryId}:${job.attempt}${also ? `:${also}` : ''}`),
    name: QUEUES.webhookDelivery,
    data: job,
    expireInSeconds: DELIVERY_LEASE_SECONDS,
    // A job is retried by pg-boss only when its worker died or could not record: at once, not after 5 s.
    retryDelay: 0,
    ...(startAfter ? { startAfter: startAfter.toISOString() } : {}),
  };
}

/**
 * The deliveries of dispatched events: one per event and enabled endpoint of its organization that takes its
 * type (events of an account and samples go to none here), with their first attempts' jobs, in the
 * dispatcher's transaction.
 */
export function fanOutDeliveries(tx: Tx, events: readonly DispatchedEvent[]): Promise<number> {
  return insertDeliveries(
    tx,
    events.filter((event) => event.organizationId && !event.userId && !event.test && isEventType(event.type)),
  );
}

/** A delivery, with its first attempt's job, per event and enabled endpoint of its organization taking its type. */
async function insertDeliveries(
  tx: Tx,
  sendable: readonly Pick<DispatchedEvent, 'id' | 'organizationId' | 'type'>[],
): Promise<number> {
  if (!sendable.length) return 0;
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO webhook_deliveries (id, endpoint_id, event_id)
    SELECT gen_random_uuid(), w.id, v.id
    FROM unnest(${sendable.map((e) => e.id)}::text[], ${sendable.map((e) => e.organizationId)}::uuid[], ${sendable.map((e) => e.type)}::text[])
      AS v(id, organization_id, type)
    JOIN webhook_endpoints w ON w.organization_id = v.organization_id
    WHERE w.disabled_at IS NULL AND (cardinality(w.event_types) = 0 OR v.type = ANY(w.event_types))
    ON CONFLICT (event_id, endpoint_id) DO NOTHING
    RETURNING id`;
  await enqueueJobs(
    tx,
    rows.map((row) => deliveryJob({ deliveryId: row.id, attempt: 1 })),
  );
  return rows.length;
}

/** What an attempt needs: the message and where it goes with which secrets. */
export interface DeliveryTarget {
  deliveryId: string;
  attempt: number;
  event: { id: string; type: string; data: unknown; createdAt: Date };
  endpoint: { id: string; organizationId: string; url: string; disabled: boolean; secrets: string[] };
}

/**
 * The deliveries as their attempts find them, in one read. A job with nothing to do is left out: its
 * delivery is no longer pending, or this attempt was already recorded (its job ran before, and the worker
 * died before pg-boss heard).
 */
export async function deliveriesForAttempts(jobs: readonly DeliveryJob[], now = new Date()): Promise<DeliveryTarget[]> {
  const rows = await prisma.webhookDelivery.findMany({
    where: { id: { in: jobs.map((job) => job.deliveryId) }, status: 'pending' },
    select: {
      id: true,
      attempts: true,
      event: { select: { id: true, type: true, data: true, createdAt: true } },
      endpoint: {
        select: {
          id: true,
          organizationId: true,
          url: true,
          disabledAt: true,
          secretSealed: true,
          previousSecretSealed: true,
          previousSecretUntil: true,
        },
      },
    },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  const secretsOf = new Map<string, string[]>();
  return jobs.flatMap(({ deliveryId, attempt }) => {
    const delivery = byId.get(deliveryId);
    if (!delivery || delivery.attempts >= attempt) return [];
    const { endpoint } = delivery;
    let secrets = secretsOf.get(endpoint.id);
    if (!secrets) {
      secrets = openSigningSecrets(endpoint, now);
      secretsOf.set(endpoint.id, secrets);
    }
    return [
      {
        deliveryId,
        attempt,
        event: delivery.event,
        endpoint: {
          id: endpoint.id,
          organizationId: endpoint.organizationId,
          url: endpoint.url,
          disabled: endpoint.disabledAt !== null,
          secrets,
        },
      },
    ];
  });
}

/** Deliveries whose endpoint was disabled meanwhile are not attempted. */
export async function cancelDeliveries(deliveryIds: readonly string[]): Promise<void> {
  if (!deliveryIds.length) return;
  await prisma.webhookDelivery.updateMany({
    where: { id: { in: [...deliveryIds] }, status: 'pending' },
    data: { status: 'cancelled', completedAt: new Date(), nextAttemptAt: null },
  });
}

/** Puts attempts off (their endpoint has as many in flight as it may): jobs for later, same attempts. */
export async function postponeAttempts(jobs: readonly DeliveryJob[], startAfter: Date): Promise<void> {
  if (!jobs.length) return;
  const key = startAfter.getTime();
  await prisma.$transaction(async (tx) => {
    await enqueueJobs(
      tx,
      jobs.map((job) => deliveryJob(job, { startAfter, also: `postponed:${key}` })),
    );
  });
}

export interface AttemptOutcome {
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  responseBody: string | null;
  succeeded: boolean;
  /** The delay before the next attempt, or null when this was the last one. */
  retryAfterMs: number | null;
}

/**
 * Records attempts and what follows from them, in one transaction: each attempt's row (once: a job that ran
 * twice records the first), its delivery's state, the next attempts' jobs, and the endpoints' failure
 * streaks. An endpoint whose attempts have all failed for five days is disabled, its pending deliveries
 * cancelled, and its organization's admins told (an event that is emailed, never sent to an endpoint).
 */
export async function recordAttempts(
  results: readonly { target: DeliveryTarget; outcome: AttemptOutcome }[],
): Promise<void> {
  if (!results.length) return;
  const column = <T>(pick: (result: (typeof results)[number]) => T) => results.map(pick);
  const finished = (r: (typeof results)[number]) => new Date(r.outcome.startedAt.getTime() + r.outcome.durationMs);
  const nextAt = (r: (typeof results)[number]) =>
    r.outcome.succeeded || r.outcome.retryAfterMs === null
      ? null
      : new Date(finished(r).getTime() + r.outcome.retryAfterMs);
  await prisma.$transaction(async (tx) => {
    const recorded = await tx.$queryRaw<{ delivery_id: string }[]>`
      INSERT INTO webhook_attempts (id, delivery_id, attempt, started_at, duration_ms, status_code, error, response_body)
      SELECT gen_random_uuid(), v.delivery_id, v.attempt, v.started_at, v.duration_ms, v.status_code, v.error, v.body
      FROM unnest(${column((r) => r.target.deliveryId)}::uuid[], ${column((r) => r.target.attempt)}::int[],
                  ${column((r) => r.outcome.startedAt)}::timestamptz[], ${column((r) => r.outcome.durationMs)}::int[],
                  ${column((r) => r.outcome.statusCode)}::int[], ${column((r) => r.outcome.error)}::text[],
                  ${column((r) => r.outcome.responseBody)}::text[])
        AS v(delivery_id, attempt, started_at, duration_ms, status_code, error, body)
      -- A delivery deleted while its attempt ran (its tenant or endpoint deleted) has nothing left to record:
      -- the join leaves it out, and the lock keeps it from going between this read and the insert.
      JOIN webhook_deliveries d ON d.id = v.delivery_id
      FOR KEY SHARE OF d
      ON CONFLICT (delivery_id, attempt) DO NOTHING
      RETURNING delivery_id`;
    const fresh = new Set(recorded.map((row) => row.delivery_id));
    const mine = results.filter((r) => fresh.has(r.target.deliveryId));
    if (!mine.length) return;
    const of = <T>(pick: (result: (typeof results)[number]) => T) => mine.map(pick);
    await tx.$executeRaw`
      UPDATE webhook_deliveries d SET attempts = v.attempt,
        status = CASE WHEN v.succeeded THEN 'succeeded' WHEN v.next_at IS NULL THEN 'failed' ELSE 'pending' END,
        next_attempt_at = v.next_at,
        completed_at = CASE WHEN v.succeeded OR v.next_at IS NULL THEN v.finished END
      FROM unnest(${of((r) => r.target.deliveryId)}::uuid[], ${of((r) => r.target.attempt)}::int[],
                  ${of((r) => r.outcome.succeeded)}::boolean[], ${of(nextAt)}::timestamptz[], ${of(finished)}::timestamptz[])
        AS v(id, attempt, succeeded, next_at, finished)
      WHERE d.id = v.id`;
    // The streak: a success ends it, a failure starts it if none was running.
    const succeeded = [...new Set(mine.filter((r) => r.outcome.succeeded).map((r) => r.target.endpoint.id))];
    if (succeeded.length)
      await tx.$executeRaw`UPDATE webhook_endpoints SET failing_since = NULL
                           WHERE id = ANY(${succeeded}::uuid[]) AND failing_since IS NOT NULL`;
    const failures = mine.filter((r) => !r.outcome.succeeded);
    if (!failures.length) return;
    await tx.$executeRaw`
      UPDATE webhook_endpoints w SET failing_since = v.started_at
      FROM (SELECT id, min(started_at) AS started_at
            FROM unnest(${failures.map((r) => r.target.endpoint.id)}::uuid[], ${failures.map((r) => r.outcome.startedAt)}::timestamptz[])
              AS f(id, started_at) GROUP BY id) v
      WHERE w.id = v.id AND w.failing_since IS NULL`;
    const now = new Date();
    const disabled = await tx.$queryRaw<{ id: string; organization_id: string; url: string }[]>`
      UPDATE webhook_endpoints SET disabled_at = ${now}, disabled_reason = 'failing'
      WHERE id = ANY(${[...new Set(failures.map((r) => r.target.endpoint.id))]}::uuid[]) AND disabled_at IS NULL
        AND failing_since <= ${new Date(now.getTime() - DISABLE_FAILING_AFTER_MS)}
      RETURNING id, organization_id, url`;
    for (const endpoint of disabled) {
      await tx.webhookDelivery.updateMany({
        where: { endpointId: endpoint.id, status: 'pending' },
        data: { status: 'cancelled', completedAt: now, nextAttemptAt: null },
      });
      await recordOrganizationEvent(tx, {
        organizationId: endpoint.organization_id,
        actor: null,
        action: 'webhook_endpoint_disabled_failing',
        reason: `Every attempt to ${endpoint.url} failed for five days`,
      });
      await recordEvents(tx, [
        {
          organizationId: endpoint.organization_id,
          type: 'webhook.endpoint_disabled',
          data: { organization_id: endpoint.organization_id, endpoint: { id: endpoint.id, url: endpoint.url } },
        },
      ]);
    }
    const stopped = new Set(disabled.map((endpoint) => endpoint.id));
    await enqueueJobs(
      tx,
      failures.flatMap((r) => {
        const next = nextAt(r);
        return next && !stopped.has(r.target.endpoint.id)
          ? [deliveryJob({ deliveryId: r.target.deliveryId, attempt: r.target.attempt + 1 }, { startAfter: next })]
          : [];
      }),
    );
  });
}

export interface DeliveryView {
  id: string;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed' | 'cancelled';
  attempts: number;
  nextAttemptAt: Date | null;
  createdAt: Date;
  lastAttempt: {
    attempt: number;
    startedAt: Date;
    durationMs: number;
    statusCode: number | null;
    error: string | null;
    responseBody: string | null;
  } | null;
}

/** The endpoint's latest deliveries, newest first, if the endpoint is the organization's. */
export async function listDeliveries({
  organizationId,
  endpointId,
  limit = 50,
}: {
  organizationId: string;
  endpointId: string;
  limit?: number;
}): Promise<DeliveryView[]> {
  const rows = await prisma.webhookDelivery.findMany({
    where: { endpointId, endpoint: { organizationId } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(limit, 1), 200),
    select: {
      id: true,
      eventId: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      createdAt: true,
      event: { select: { type: true } },
      attemptLog: {
        orderBy: { attempt: 'desc' },
        take: 1,
        select: {
          attempt: true,
          startedAt: true,
          durationMs: true,
          statusCode: true,
          error: true,
          responseBody: true,
        },
      },
    },
  });
  return rows.map((row) => ({
    id: row.id,
    eventId: row.eventId,
    eventType: row.event.type,
    status: row.status as DeliveryView['status'],
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    createdAt: row.createdAt,
    lastAttempt: row.attemptLog[0] ?? null,
  }));
}

/**
 * Sends a delivery again at once (the same message: the same webhook-id), as its next attempt, whatever
 * became of it; false when it is not the organization's or its endpoint is disabled.
 */
export async function resendDelivery({
  organizationId,
  deliveryId,
}: {
  organizationId: string;
  deliveryId: string;
}): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ attempts: number }[]>`
      UPDATE webhook_deliveries d SET status = 'pending', completed_at = NULL, next_attempt_at = now()
      FROM webhook_endpoints w
      WHERE d.id = ${deliveryId}::uuid AND w.id = d.endpoint_id AND w.organization_id = ${organizationId}::uuid
        AND w.disabled_at IS NULL
      RETURNING d.attempts`;
    if (!row) return false;
    // Its own job, even when the next attempt is already scheduled for later.
    await enqueueJobs(tx, [deliveryJob({ deliveryId, attempt: row.attempts + 1 }, { also: `resent:${Date.now()}` })]);
    return true;
  });
}

/**
 * Sends a webhook.test sample to one of the organization's endpoints: an event marked as a test, its
 * delivery and first attempt's job in one transaction (it goes to that endpoint only, not through the
 * dispatcher). Null when the endpoint is not the organization's or is disabled.
 */
export async function sendTestEvent({
  organizationId,
  endpointId,
}: {
  organizationId: string;
  endpointId: string;
}): Promise<{ eventId: string } | null> {
  return prisma.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findFirst({
      where: { id: endpointId, organizationId, disabledAt: null },
      select: { id: true },
    });
    if (!endpoint) return null;
    const data: EventData = { organization_id: organizationId, test: true };
    const [eventId] = await recordEvents(tx, [
      { organizationId, type: 'webhook.test', data: data as Prisma.InputJsonObject, test: true, dispatched: true },
    ]);
    const delivery = await tx.webhookDelivery.create({
      data: { endpointId, eventId: eventId! },
      select: { id: true },
    });
    await enqueueJobs(tx, [deliveryJob({ deliveryId: delivery.id, attempt: 1 })]);
    return { eventId: eventId! };
  });
}

/**
 * An event trigger (`POST /api/platform/tenants/{id}/events`): a realistic sample of a catalogue event
 * (lib/events/samples.ts), marked as a test, sent to every enabled endpoint of the organization that takes its
 * type, along the path of a real event (the outbox row, a delivery per endpoint, the delivery pump), never
 * emailed. Returns its id, also the webhook-id of its deliveries.
 */
export async function triggerSampleEvent({
  organizationId,
  type,
}: {
  organizationId: string;
  type: EventType;
}): Promise<{ eventId: string; deliveries: number }> {
  return prisma.$transaction(async (tx) => {
    const data = sampleEventData(type, { organizationId, at: new Date(), ids: [randomUUID(), randomUUID()] });
    const [eventId] = await recordEvents(tx, [
      { organizationId, type, data: data as Prisma.InputJsonObject, test: true, dispatched: true },
    ]);
    const deliveries = await insertDeliveries(tx, [{ id: eventId!, organizationId, type }]);
    return { eventId: eventId!, deliveries };
  });
}
