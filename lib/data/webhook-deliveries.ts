import { prisma } from '@/lib/db';
import { QUEUES, enqueueJobs, jobId } from '@/lib/db/job-queue';
import type { Prisma } from '@/lib/generated/prisma/client';
import { open } from '@/lib/crypto/sealed';
import { isEventType, type EventData } from '@/lib/events/catalogue';
import { DISABLE_FAILING_AFTER_MS } from '@/lib/events/delivery-schedule';
import { recordEvents, type DispatchedEvent } from '@/lib/data/events';
import { recordOrganizationEvent } from '@/lib/data/audit';

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

export function deliveryJob(job: DeliveryJob, startAfter?: Date) {
  return {
    id: jobId(`webhook-delivery:${job.deliveryId}:${job.attempt}`),
    name: QUEUES.webhookDelivery,
    data: job,
    ...(startAfter ? { startAfter: startAfter.toISOString() } : {}),
  };
}

/**
 * The deliveries of dispatched events: one per event and enabled endpoint of its organization that takes its
 * type (events of an account and samples go to none here), with their first attempts' jobs, in the
 * dispatcher's transaction.
 */
export async function fanOutDeliveries(tx: Tx, events: readonly DispatchedEvent[]): Promise<number> {
  const sendable = events.filter(
    (event) => event.organizationId && !event.userId && !event.test && isEventType(event.type),
  );
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
 * The delivery as attempt `attempt` finds it, or null when there is nothing to do: it is no longer pending,
 * or this attempt was already recorded (its job ran before, and the worker died before pg-boss heard).
 */
export async function deliveryForAttempt(
  { deliveryId, attempt }: DeliveryJob,
  now = new Date(),
): Promise<DeliveryTarget | null> {
  const delivery = await prisma.webhookDelivery.findUnique({
    where: { id: deliveryId },
    select: {
      status: true,
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
  if (delivery?.status !== 'pending' || delivery.attempts >= attempt) return null;
  const { endpoint } = delivery;
  const secrets = [open(`webhook-endpoint:${endpoint.id}`, endpoint.secretSealed).toString('utf8')];
  if (endpoint.previousSecretSealed && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now) {
    secrets.push(open(`webhook-endpoint:${endpoint.id}`, endpoint.previousSecretSealed).toString('utf8'));
  }
  return {
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
  };
}

/** A delivery whose endpoint was disabled or deleted meanwhile is not attempted. */
export async function cancelDelivery(deliveryId: string): Promise<void> {
  await prisma.webhookDelivery.updateMany({
    where: { id: deliveryId, status: 'pending' },
    data: { status: 'cancelled', completedAt: new Date(), nextAttemptAt: null },
  });
}

/** Puts an attempt off (its endpoint has as many attempts in flight as it may): a job for later, same attempt. */
export async function postponeAttempt(job: DeliveryJob, startAfter: Date, key: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await enqueueJobs(tx, [
      { ...deliveryJob(job, startAfter), id: jobId(`webhook-delivery:${job.deliveryId}:${job.attempt}:${key}`) },
    ]);
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
 * Records one attempt and what follows from it, in one transaction: the attempt row (once: a job that ran
 * twice records the first), the delivery's state, the next attempt's job, and the endpoint's failure streak.
 * An endpoint whose attempts have all failed for five days is disabled, its pending deliveries cancelled,
 * and its organization's admins told (an event that is emailed, never sent to the endpoint itself).
 */
export async function recordAttempt(target: DeliveryTarget, outcome: AttemptOutcome): Promise<void> {
  const { deliveryId, attempt, endpoint } = target;
  await prisma.$transaction(async (tx) => {
    const inserted = await tx.webhookAttempt.createMany({
      data: [
        {
          deliveryId,
          attempt,
          startedAt: outcome.startedAt,
          durationMs: outcome.durationMs,
          statusCode: outcome.statusCode,
          error: outcome.error,
          responseBody: outcome.responseBody,
        },
      ],
      skipDuplicates: true,
    });
    if (inserted.count === 0) return;
    const finishedAt = new Date(outcome.startedAt.getTime() + outcome.durationMs);
    if (outcome.succeeded) {
      await tx.webhookDelivery.update({
        where: { id: deliveryId },
        data: { attempts: attempt, status: 'succeeded', completedAt: finishedAt, nextAttemptAt: null },
      });
      await tx.webhookEndpoint.updateMany({
        where: { id: endpoint.id, failingSince: { not: null } },
        data: { failingSince: null },
      });
      return;
    }
    const next = outcome.retryAfterMs === null ? null : new Date(finishedAt.getTime() + outcome.retryAfterMs);
    await tx.webhookDelivery.update({
      where: { id: deliveryId },
      data: next
        ? { attempts: attempt, nextAttemptAt: next }
        : { attempts: attempt, status: 'failed', completedAt: finishedAt, nextAttemptAt: null },
    });
    await tx.webhookEndpoint.updateMany({
      where: { id: endpoint.id, failingSince: null },
      data: { failingSince: outcome.startedAt },
    });
    const disabled = await tx.webhookEndpoint.updateMany({
      where: {
        id: endpoint.id,
        disabledAt: null,
        failingSince: { lte: new Date(finishedAt.getTime() - DISABLE_FAILING_AFTER_MS) },
      },
      data: { disabledAt: finishedAt, disabledReason: 'failing' },
    });
    if (disabled.count === 1) {
      await tx.webhookDelivery.updateMany({
        where: { endpointId: endpoint.id, status: 'pending' },
        data: { status: 'cancelled', completedAt: finishedAt, nextAttemptAt: null },
      });
      await recordOrganizationEvent(tx, {
        organizationId: endpoint.organizationId,
        actor: null,
        action: 'webhook_endpoint_disabled_failing',
        reason: `Every attempt to ${endpoint.url} failed for five days`,
      });
      await recordEvents(tx, [
        {
          organizationId: endpoint.organizationId,
          type: 'webhook.endpoint_disabled',
          data: { organization_id: endpoint.organizationId, endpoint: { id: endpoint.id, url: endpoint.url } },
        },
      ]);
      return;
    }
    if (next) await enqueueJobs(tx, [deliveryJob({ deliveryId, attempt: attempt + 1 }, next)]);
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
    await enqueueJobs(tx, [deliveryJob({ deliveryId, attempt: row.attempts + 1 })]);
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
