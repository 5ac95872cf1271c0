import { randomUUID } from 'node:crypto';
import { prisma } from '@/lib/db';

/**
 * An endpoint's deliveries as the portal reads and acts on them: the page's view of the delivery worker's
 * tables. (The worker itself, which attempts, retries and records, is elsewhere; these three functions are
 * what the portal needs of it.)
 */

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

/** The endpoint's most recent deliveries, newest first, each with its last attempt. */
export async function listDeliveries({
  organizationId,
  endpointId,
  limit,
}: {
  organizationId: string;
  endpointId: string;
  limit: number;
}): Promise<DeliveryView[]> {
  const rows = await prisma.webhookDelivery.findMany({
    where: { endpointId, endpoint: { organizationId } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit,
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
  return rows.map(({ event, attemptLog, status, ...row }) => ({
    ...row,
    status: status as DeliveryView['status'],
    eventType: event.type,
    lastAttempt: attemptLog[0] ?? null,
  }));
}

/** Queues a delivery of the organization's to be attempted again now; false when there is no such delivery. */
export async function resendDelivery({
  organizationId,
  deliveryId,
}: {
  organizationId: string;
  deliveryId: string;
}): Promise<boolean> {
  const updated = await prisma.webhookDelivery.updateMany({
    where: { id: deliveryId, endpoint: { organizationId } },
    data: { status: 'pending', nextAttemptAt: new Date(), completedAt: null },
  });
  return updated.count > 0;
}

/** A webhook.test event for one of the organization's endpoints, with its delivery; null when there is no such endpoint. */
export async function sendTestEvent({
  organizationId,
  endpointId,
}: {
  organizationId: string;
  endpointId: string;
}): Promise<{ eventId: string } | null> {
  return prisma.$transaction(async (tx) => {
    const endpoint = await tx.webhookEndpoint.findFirst({
      where: { id: endpointId, organizationId },
      select: { id: true },
    });
    if (!endpoint) return null;
    const eventId = `msg_${randomUUID().replace(/-/g, '')}`;
    await tx.event.create({
      data: {
        id: eventId,
        organizationId,
        type: 'webhook.test',
        data: { organization_id: organizationId, test: true },
        test: true,
      },
    });
    await tx.webhookDelivery.create({ data: { endpointId, eventId, nextAttemptAt: new Date() } });
    return { eventId };
  });
}
