import { createHash } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Prisma } from '@/lib/generated/prisma/client';
import { env } from '@/lib/env';

/**
 * The PostgreSQL job queue (pg-boss 10) that delivers webhooks and mail. Its schema and queues are the
 * migration owner's (migration 20261207000000_webhooks); the application starts it with migrate: false and
 * holds only the privileges lib/db/privileges.ts lists.
 */
export const QUEUES = { webhookDelivery: 'webhook-delivery', email: 'email' } as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/**
 * How often a job whose worker died is noticed: pg-boss fails an active job once its lease (the queue's
 * expireInSeconds) has run out, at its next maintenance, and retries it.
 */
const MAINTENANCE_INTERVAL_SECONDS = 5;

const globalForQueue = globalThis as unknown as { jobQueue?: Promise<PgBoss> };

/**
 * The process's pg-boss, started on first use: cron is unused (schedule: false) and maintenance (expiring
 * dead workers' jobs, archiving) runs on every instance under pg-boss's own lock.
 */
export function jobQueue(): Promise<PgBoss> {
  globalForQueue.jobQueue ??= (async () => {
    const boss = new PgBoss({
      connectionString: env.DATABASE_URL,
      application_name: 'credentials-console jobs',
      max: 6,
      migrate: false,
      schedule: false,
      supervise: true,
      maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS,
    });
    boss.on('error', (error) => console.error('job queue:', error instanceof Error ? error.message : error));
    await boss.start();
    return boss;
  })().catch((error) => {
    globalForQueue.jobQueue = undefined;
    throw error;
  });
  return globalForQueue.jobQueue;
}

/** Stops the process's queue (its workers finish their jobs first, up to `timeout`), if it was started. */
export async function stopJobQueue(timeout = 5_000): Promise<void> {
  const started = globalForQueue.jobQueue;
  globalForQueue.jobQueue = undefined;
  if (!started) return;
  const boss = await started.catch(() => null);
  await boss?.stop({ graceful: true, wait: true, timeout, close: true }).catch(() => {});
}

/** A job id that is the same every time for the same key, so that inserting a job twice makes one. */
export function jobId(key: string): string {
  const hex = createHash('sha256').update(key).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** pg-boss's executor on a Prisma transaction, so that jobs are inserted with that transaction or not at all. */
function inTransaction(tx: Prisma.TransactionClient): PgBoss.Db {
  return {
    executeSql: async (text, values) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
  };
}

/** Inserts jobs in the caller's transaction (pg-boss ignores a job whose id exists already). */
export async function enqueueJobs(tx: Prisma.TransactionClient, jobs: readonly PgBoss.JobInsert[]): Promise<void> {
  if (!jobs.length) return;
  const boss = await jobQueue();
  await boss.insert([...jobs], { db: inTransaction(tx) });
}
