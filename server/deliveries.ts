import { jobQueue, stopJobQueue } from '@/lib/db/job-queue';
import { startEventWork } from '@/lib/jobs/webhook-delivery';

const RETRY_START_MS = 5_000;

/**
 * This instance's part in telling the outside: the job queue, its webhook workers and the outbox's
 * dispatcher (every instance runs all three; the queue and the outbox's row locks share the work). When the
 * database is away at start-up, it tries again every 5 s. Returns the function that stops them.
 */
export function startDeliveries(): () => Promise<void> {
  let stopped = false;
  let stopDispatcher: (() => Promise<void>) | undefined;
  let retry: NodeJS.Timeout | undefined;

  const start = async () => {
    try {
      const stop = await startEventWork(await jobQueue());
      if (stopped) await stop();
      else stopDispatcher = stop;
    } catch (error) {
      console.error('deliveries: could not start the job queue;', error instanceof Error ? error.message : error);
      await stopJobQueue(0);
      if (!stopped) retry = setTimeout(() => void start(), RETRY_START_MS);
      retry?.unref();
    }
  };
  void start();

  return async () => {
    stopped = true;
    clearTimeout(retry);
    await stopDispatcher?.();
    await stopJobQueue();
  };
}
