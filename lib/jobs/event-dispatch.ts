import pg from 'pg';
import { prisma } from '@/lib/db';
import { connectionConfig } from '@/lib/db/settings';
import { env } from '@/lib/env';
import { claimUndispatchedEvents } from '@/lib/data/events';
import { fanOutDeliveries } from '@/lib/data/webhook-deliveries';
import { mailsForEvents } from '@/lib/data/event-mail';
import { QUEUES, enqueueJobs, jobId } from '@/lib/db/job-queue';

/** Events taken per transaction. */
const BATCH = 250;
/** Without a notification (a lost LISTEN connection), the outbox is still looked at this often. */
const POLL_MS = 1_000;

/**
 * Turns committed events into webhook deliveries and mails (lib/data/event-mail.ts), with their jobs. Every instance runs one: a notification on
 * `event_created` (the outbox's trigger) wakes it at once, and it looks every second regardless. Each batch
 * is one transaction that claims the events (other instances skip them), inserts their deliveries and the
 * queue's jobs, and stamps them dispatched: a crash before the commit leaves them for the next look, and a
 * commit has them all.
 */
export function startEventDispatcher({ onDispatched }: { onDispatched?: () => void } = {}): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | undefined;
  let again = false;
  let listener: pg.Client | undefined;

  const dispatch = async () => {
    for (;;) {
      const taken = await prisma.$transaction(
        async (tx) => {
          const events = await claimUndispatchedEvents(tx, BATCH);
          if (!events.length) return 0;
          await fanOutDeliveries(tx, events);
          await enqueueJobs(
            tx,
            (await mailsForEvents(tx, events)).map((mail) => ({
              id: jobId(`email:${mail.eventId}:${mail.to}`),
              name: QUEUES.email,
              data: mail,
            })),
          );
          return events.length;
        },
        { timeout: 30_000 },
      );
      if (taken) onDispatched?.();
      if (taken < BATCH || stopped) return;
    }
  };
  const wake = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = dispatch()
      .catch((error) => console.error('event dispatch:', error instanceof Error ? error.message : error))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          wake();
        }
      });
  };

  const listen = async () => {
    if (stopped) return;
    const client = new pg.Client(connectionConfig(env.DATABASE_URL));
    client.on('notification', wake);
    client.on('error', () => {
      client.end().catch(() => {});
      if (listener === client) listener = undefined;
      setTimeout(() => void listen().catch(() => {}), POLL_MS).unref();
    });
    try {
      await client.connect();
      await client.query('LISTEN event_created');
      listener = client;
      wake();
    } catch {
      client.end().catch(() => {});
      setTimeout(() => void listen().catch(() => {}), POLL_MS).unref();
    }
  };
  void listen();
  const poll = setInterval(wake, POLL_MS);
  poll.unref();

  return async () => {
    stopped = true;
    clearInterval(poll);
    await running;
    await listener?.end().catch(() => {});
  };
}
