import type PgBoss from 'pg-boss';
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
  cancelDeliveries,
  deliveriesForAttempts,
  postponeAttempts,
  recordAttempts,
  type AttemptOutcome,
  type DeliveryJob,
  type DeliveryTarget,
} from '@/lib/data/webhook-deliveries';
import { RemoteFetchError, postToPublicUrl } from '@/lib/oauth/remote-fetch';
import { startEventDispatcher } from '@/lib/jobs/event-dispatch';
import { startMailWorker } from '@/lib/jobs/mail-worker';

/** Attempts in flight at once per process; the pump takes more jobs when at least MIN_FETCH slots are free. */
const CAPACITY = 200;
const MIN_FETCH = 10;
/** Without a wake-up (another instance's dispatcher queued the jobs), the queue is looked at this often. */
const POLL_MS = 500;
/**
 * Attempts in flight to one endpoint from one process, and how many more may wait here for a free slot (their
 * jobs already taken: they start within a few attempts' time, inside the job's 35 s lease). Beyond that
 * an attempt is put off by a second, so that a slow endpoint (up to 15 s per attempt) holds at most these
 * of the pump's slots and others keep flowing.
 */
const PER_ENDPOINT_IN_FLIGHT = 32;
const PER_ENDPOINT_WAITING = 32;
const POSTPONE_MS = 1_000;

const inFlight = new Map<string, number>();
/** Attempts taken from the queue that wait for one of their endpoint's slots, per endpoint. */
const waiting = new Map<string, (() => void)[]>();

/** One attempt of a delivery: sign, POST within 15 s, and say what happened. */
async function attempt(target: DeliveryTarget): Promise<AttemptOutcome> {
  const body = JSON.stringify(payloadOf(target.event));
  const startedAt = new Date();
  const headers = signedHeaders(target.endpoint.secrets, { id: target.event.id, timestamp: startedAt, body });
  const answer = await postToPublicUrl(target.endpoint.url, body, {
    headers,
    timeoutMs: DELIVERY_TIMEOUT_MS,
    keepBytes: RESPONSE_BODY_BYTES,
  }).then(
    (reply) => ({ statusCode: reply.statusCode, responseBody: reply.body, error: null }),
    (error: unknown) => ({
      statusCode: null,
      responseBody: null,
      error: error instanceof RemoteFetchError ? error.message : 'The delivery failed.',
    }),
  );
  // 2xx is success; anything else, 3xx included (redirects are not followed), is a failure.
  const succeeded = answer.statusCode !== null && answer.statusCode >= 200 && answer.statusCode < 300;
  return {
    startedAt,
    durationMs: Date.now() - startedAt.getTime(),
    ...answer,
    succeeded,
    retryAfterMs: succeeded
      ? null
      : nextRetryDelay(target.attempt, env.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_RETRY_SCHEDULE_MS),
  };
}

/**
 * This process's delivery pump: it takes jobs from the queue whenever it has room (up to CAPACITY attempts
 * at once, PER_ENDPOINT_IN_FLIGHT of them to one endpoint), attempts each as soon as it is taken, and
 * records and completes them in groups as they finish. A slow endpoint holds only its own attempts' slots:
 * others keep being taken and finished around it. A job whose recording fails is failed and retried by
 * pg-boss; one whose process dies is retried once its lease runs out.
 */
class DeliveryPump {
  private stopped = false;
  private running = 0;
  private wakeUp: (() => void) | undefined;
  private done: Promise<void> | undefined;
  private finished: { job: PgBoss.Job<DeliveryJob>; result?: { target: DeliveryTarget; outcome: AttemptOutcome } }[] =
    [];
  private recording: Promise<void> = Promise.resolve();

  constructor(private readonly boss: PgBoss) {}

  start() {
    this.done = this.loop();
  }

  /** Look for jobs now (the dispatcher has queued some) rather than at the next poll. */
  wake() {
    this.wakeUp?.();
  }

  async stop() {
    this.stopped = true;
    this.wake();
    await this.done;
    await this.recording;
  }

  private pause(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => {
      this.wakeUp = undefined;
    });
  }

  private async loop() {
    while (!this.stopped) {
      const room = CAPACITY - this.running;
      if (room < MIN_FETCH) {
        await this.pause(POLL_MS);
        continue;
      }
      let jobs: PgBoss.Job<DeliveryJob>[] = [];
      try {
        jobs = await this.boss.fetch<DeliveryJob>(QUEUES.webhookDelivery, { batchSize: room });
      } catch (error) {
        console.error('webhook deliveries: could not take jobs;', error instanceof Error ? error.message : error);
      }
      if (!jobs.length) {
        await this.pause(POLL_MS);
        continue;
      }
      this.running += jobs.length;
      void this.take(jobs);
    }
  }

  private async take(jobs: PgBoss.Job<DeliveryJob>[]) {
    let targets: DeliveryTarget[];
    try {
      targets = await deliveriesForAttempts(jobs.map((job) => job.data));
      await cancelDeliveries(targets.filter((t) => t.endpoint.disabled).map((t) => t.deliveryId));
    } catch {
      this.running -= jobs.length;
      await this.boss
        .fail(
          QUEUES.webhookDelivery,
          jobs.map((job) => job.id),
        )
        .catch(() => {});
      return;
    }
    const byDelivery = new Map(targets.map((target) => [`${target.deliveryId}:${target.attempt}`, target]));
    const later: PgBoss.Job<DeliveryJob>[] = [];
    for (const job of jobs) {
      const target = byDelivery.get(`${job.data.deliveryId}:${job.data.attempt}`);
      if (!target || target.endpoint.disabled) {
        this.settle({ job });
        continue;
      }
      const endpointId = target.endpoint.id;
      const run = () => {
        inFlight.set(endpointId, (inFlight.get(endpointId) ?? 0) + 1);
        void attempt(target)
          .then((outcome) => this.settle({ job, result: { target, outcome } }))
          .finally(() => {
            const left = (inFlight.get(endpointId) ?? 1) - 1;
            if (left > 0) inFlight.set(endpointId, left);
            else inFlight.delete(endpointId);
            const queue = waiting.get(endpointId);
            const next = queue?.shift();
            if (queue && !queue.length) waiting.delete(endpointId);
            next?.();
          });
      };
      if ((inFlight.get(endpointId) ?? 0) < PER_ENDPOINT_IN_FLIGHT) run();
      else if ((waiting.get(endpointId)?.length ?? 0) < PER_ENDPOINT_WAITING) {
        const queue = waiting.get(endpointId) ?? [];
        queue.push(run);
        waiting.set(endpointId, queue);
      } else later.push(job);
    }
    if (later.length) {
      const postponed = await postponeAttempts(
        later.map((job) => job.data),
        new Date(Date.now() + POSTPONE_MS),
      ).then(
        () => true,
        () => false,
      );
      if (postponed) for (const job of later) this.settle({ job });
      else {
        // Not put off: pg-boss tries these jobs again instead.
        this.running -= later.length;
        await this.boss
          .fail(
            QUEUES.webhookDelivery,
            later.map((job) => job.id),
          )
          .catch(() => {});
      }
    }
  }

  /** A job is done (attempted, or nothing to do): it is recorded and completed with the others done by then. */
  private settle(entry: (typeof this.finished)[number]) {
    this.finished.push(entry);
    if (this.finished.length === 1) this.recording = this.recording.then(() => this.record());
  }

  private async record() {
    const group = this.finished;
    this.finished = [];
    const ids = group.map((entry) => entry.job.id);
    try {
      await recordAttempts(group.flatMap((entry) => (entry.result ? [entry.result] : [])));
      await this.boss.complete(QUEUES.webhookDelivery, ids);
    } catch (error) {
      console.error('webhook deliveries: could not record attempts;', error instanceof Error ? error.message : error);
      await this.boss.fail(QUEUES.webhookDelivery, ids).catch(() => {});
    } finally {
      this.running -= group.length;
      if (CAPACITY - this.running >= MIN_FETCH) this.wake();
    }
  }
}

/**
 * This process's share of the work: the mail worker, the delivery pump and the outbox's dispatcher, which wakes the pump when
 * it has queued jobs rather than leaving it to its next poll. Returns the function that stops both.
 */
export async function startEventWork(boss: PgBoss): Promise<() => Promise<void>> {
  await startMailWorker(boss);
  const pump = new DeliveryPump(boss);
  pump.start();
  const stopDispatcher = startEventDispatcher({ onDispatched: () => pump.wake() });
  return async () => {
    await stopDispatcher();
    await pump.stop();
  };
}
