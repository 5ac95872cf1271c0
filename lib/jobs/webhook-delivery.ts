import type PgBoss from 'pg-boss';
import { randomUUID } from 'node:crypto';
import { QUEUES } from '@/lib/db/job-queue';
import { env } from '@/lib/env';
import { payloadOf } from '@/lib/events/catalogue';
import { signedHeaders } from '@/lib/events/signing';
import {
  DEFAULT_RETRY_SCHEDULE_MS,
  DELIVERY_TIMEOUT_MS,
  RESPONSE_BODY_BYTES,
  nextRetryDelay,
} from '@/lib/events/delivery-schedule';
import {
  cancelDelivery,
  deliveryForAttempt,
  postponeAttempt,
  recordAttempt,
  type DeliveryJob,
} from '@/lib/data/webhook-deliveries';
import { RemoteFetchError, postToPublicUrl } from '@/lib/oauth/remote-fetch';
import { startEventDispatcher } from '@/lib/jobs/event-dispatch';

/** Workers per process, each taking up to BATCH_SIZE jobs at a time and attempting them side by side. */
const WORKERS = 4;
const BATCH_SIZE = 25;
/**
 * Attempts in flight to one endpoint from one process. Beyond it an attempt is put off by a second, so that
 * a slow endpoint (15 s per attempt) holds at most these of the workers' slots and others keep flowing.
 */
const PER_ENDPOINT_IN_FLIGHT = 8;
const POSTPONE_MS = 1_000;

const inFlight = new Map<string, number>();

/** One attempt of one delivery: sign, POST, record what happened and schedule what follows. */
export async function attemptDelivery(job: DeliveryJob): Promise<void> {
  const target = await deliveryForAttempt(job);
  if (!target) return;
  if (target.endpoint.disabled) return cancelDelivery(job.deliveryId);
  const busy = inFlight.get(target.endpoint.id) ?? 0;
  if (busy >= PER_ENDPOINT_IN_FLIGHT) {
    return postponeAttempt(job, new Date(Date.now() + POSTPONE_MS), randomUUID());
  }
  inFlight.set(target.endpoint.id, busy + 1);
  try {
    const body = JSON.stringify(payloadOf(target.event));
    const startedAt = new Date();
    const headers = signedHeaders(target.endpoint.secrets, { id: target.event.id, timestamp: startedAt, body });
    const outcome = await postToPublicUrl(target.endpoint.url, body, {
      headers,
      timeoutMs: DELIVERY_TIMEOUT_MS,
      keepBytes: RESPONSE_BODY_BYTES,
    }).then(
      (answer) => ({ statusCode: answer.statusCode, responseBody: answer.body, error: null }),
      (error: unknown) => ({
        statusCode: null,
        responseBody: null,
        error: error instanceof RemoteFetchError ? error.message : 'The delivery failed.',
      }),
    );
    // 2xx is success; anything else, 3xx included (redirects are not followed), is a failure.
    const succeeded = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    await recordAttempt(target, {
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
      ...outcome,
      succeeded,
      retryAfterMs: succeeded
        ? null
        : nextRetryDelay(job.attempt, env.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_MS),
    });
  } finally {
    const left = (inFlight.get(target.endpoint.id) ?? 1) - 1;
    if (left > 0) inFlight.set(target.endpoint.id, left);
    else inFlight.delete(target.endpoint.id);
  }
}

/**
 * Starts this process's delivery workers; returns their ids, so that the dispatcher can wake them when it
 * has queued jobs rather than wait for their next poll. A job whose handler throws (the database away) is
 * retried by pg-boss; one whose process dies is retried once its lease runs out.
 */
export async function startWebhookWorkers(boss: PgBoss): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < WORKERS; i++) {
    ids.push(
      await boss.work<DeliveryJob>(
        QUEUES.webhookDelivery,
        { batchSize: BATCH_SIZE, pollingIntervalSeconds: 0.5 },
        async (jobs) => {
          const results = await Promise.allSettled(jobs.map((job) => attemptDelivery(job.data)));
          const failed = results.find((result) => result.status === 'rejected');
          if (failed) throw (failed as PromiseRejectedResult).reason;
        },
      ),
    );
  }
  return ids;
}

/**
 * This process's share of the work: the delivery workers and the outbox's dispatcher, which wakes them when
 * it has queued jobs rather than leaving them to their next poll. Returns the function that stops the
 * dispatcher (the workers stop with the queue).
 */
export async function startEventWork(boss: PgBoss): Promise<() => Promise<void>> {
  const workers = await startWebhookWorkers(boss);
  return startEventDispatcher({
    onDispatched: () => {
      for (const id of workers) boss.notifyWorker(id);
    },
  });
}
