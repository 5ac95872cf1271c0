import type PgBoss from 'pg-boss';
import type { Mail } from '@/lib/data/event-mail';
import { env } from '@/lib/env';
import { QUEUES } from '@/lib/db/job-queue';
import { sendMail } from '@/lib/mail/transport';

/** The pg-boss queue of mails (made by the migration owner, retried 12 times with backoff). */
const EMAIL_QUEUE = QUEUES.email;

/**
 * Sends each job's mail. One that fails is failed alone, so pg-boss retries it on the queue's schedule and
 * the others of its batch are not sent twice; when every one fails the handler throws, which fails them all.
 */
export async function sendMailJobs(boss: PgBoss, jobs: PgBoss.Job<Mail>[]): Promise<void> {
  const results = await Promise.allSettled(jobs.map((job) => sendMail(job.data)));
  const failed = jobs.flatMap((job, index) => {
    const result = results[index]!;
    return result.status === 'rejected' ? [{ job, error: result.reason as unknown }] : [];
  });
  for (const { job, error } of failed)
    console.warn(`Mail for event ${job.data.eventId} not sent (will retry): ${errorMessage(error)}`);
  if (failed.length === 0) return;
  if (failed.length === jobs.length) throw failed[0]!.error;
  for (const { job, error } of failed) await boss.fail(EMAIL_QUEUE, job.id, { message: errorMessage(error) });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Works the email queue on a started pg-boss: five mails at a time. Without SMTP_URL nothing is sent: the
 * mails wait in the queue (up to its retention) for an instance that has it.
 */
export async function startMailWorker(boss: PgBoss): Promise<void> {
  if (!env.SMTP_URL) {
    console.warn('SMTP_URL is not set: this instance sends no mail.');
    return;
  }
  await boss.work<Mail>(EMAIL_QUEUE, { batchSize: 5 }, (jobs) => sendMailJobs(boss, jobs));
}
