import { prisma } from '@/lib/db';
import { recordExpiries, runScheduledDeactivations } from '@/lib/jobs/secret-jobs';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { pruneAuthChallenges } from '@/lib/data/auth-challenges';
import { isDatabaseUnavailable } from '@/lib/db/availability';

const USAGE_RETENTION_DAYS = 31;

/**
 * Background work of every server instance: deactivating rolled secrets when
 * their grace period ends and recording expiries (each second, so the table
 * and history show them on time whether or not anyone has the page open), and
 * pruning usage older than the charts show and finished sign-in challenges. The token endpoint already refuses such a secret from the
 * exact instant, without waiting for this job.
 */
export function startScheduler(): () => Promise<void> {
  let running = false;
  // During a database outage the job fails every second: say so once, and once when it works again.
  let outage = false;
  const tick = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await runScheduledDeactivations();
      await recordExpiries();
      if (outage) console.error('scheduler: the database is reachable again');
      outage = false;
    } catch (error) {
      if (!outage)
        console.error('scheduler: scheduled deactivations failed', error instanceof Error ? error.message : error);
      outage = isDatabaseUnavailable(error);
    } finally {
      running = false;
    }
  }, 1000);
  const prune = setInterval(() => {
    const before = new Date(Date.now() - USAGE_RETENTION_DAYS * 86_400_000);
    Promise.all([
      prisma.secretUsage.deleteMany({ where: { minute: { lt: before } } }),
      prisma.secretCaller.deleteMany({ where: { lastSeen: { lt: before } } }),
      pruneAuthChallenges(),
    ]).catch(() => {});
  }, 3_600_000);
  tick.unref();
  prune.unref();
  return async () => {
    clearInterval(tick);
    clearInterval(prune);
    await usageRecorder.flush();
  };
}
