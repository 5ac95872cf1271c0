import { recordExpiries, runScheduledDeactivations } from '@/lib/data/credential-deadlines';
import { pruneExpiredAssertionJtis } from '@/lib/jobs/assertion-jti-jobs';
import { pruneExpiredRecords } from '@/lib/jobs/retention';
import { deleteExpiredTenants } from '@/lib/jobs/tenant-expiry';
import { recordExpiringEvents } from '@/lib/data/events';
import { now } from '@/lib/clock';
import { isDatabaseUnavailable } from '@/lib/db/availability';
import { SCHEDULER_LOCK_KEY, holdLeadership } from '@/lib/db/leader-lock';

/** Used assertion jtis pile up at the rate of assertions (each kept up to five minutes): prune them often. */
const JTI_PRUNE_MS = 60_000;
/** How often credentials crossing a credential.expiring threshold are looked for (an indexed range read). */
const EXPIRING_MS = 2_000;
/** How often tenants whose time is up are looked for (an indexed read); a tenant lives at least a minute. */
const TENANT_EXPIRY_MS = 15_000;

/**
 * The jobs that must run once across every instance and worker sharing the database: deactivating rolled
 * secrets when their grace period ends and recording expiries (each second, so the table and history show
 * them on time whether or not anyone has the page open), and pruning usage older than the charts show,
 * finished sign-in challenges and the revocations of expired tokens (when a process becomes leader, then
 * hourly). The token endpoint already refuses such a secret from the exact instant, without waiting for this
 * job. Used client-assertion jtis are deleted once expired (on taking the lead, then every minute), and
 * tenants whose `ttlMinutes` are up within 15 s of it. A tenant's own credentials are judged at its test clock
 * when it has one (lib/data/credential-clock.ts): these jobs find them on that clock, not on real time.
 *
 * Only the holder of an advisory lock runs them (lib/db/leader-lock.ts); every process competes, so another
 * takes over within seconds when the leader dies. The jobs' writes are conditional updates, so the moment
 * of overlap a lost lock connection may cause changes nothing twice.
 */
function runJobs(): () => Promise<void> {
  let running: Promise<void> | undefined;
  // During a database outage the job fails every second: say so once, and once when it works again.
  let outage = false;
  const tick = setInterval(() => {
    if (running) return;
    running = (async () => {
      try {
        await runScheduledDeactivations();
        await recordExpiries();
        if (outage) console.error('scheduler: the database is reachable again');
        outage = false;
      } catch (error) {
        if (!outage)
          console.error('scheduler: scheduled deactivations failed', error instanceof Error ? error.message : error);
        outage = isDatabaseUnavailable(error);
      }
    })().finally(() => {
      running = undefined;
    });
  }, 1000);
  const prune = () => {
    pruneExpiredRecords().catch(() => {});
  };
  let pruningJtis: Promise<unknown> | undefined;
  // credential.expiring: each threshold once (the outbox's key), looked for every few seconds, by the server's
  // clock (lib/clock.ts), so that test runs can move a credential across a threshold.
  let findingExpiring: Promise<unknown> | undefined;
  const findExpiring = () => {
    findingExpiring ??= recordExpiringEvents({ now: now() })
      .catch(() => {})
      .finally(() => {
        findingExpiring = undefined;
      });
  };
  let deletingTenants: Promise<unknown> | undefined;
  const deleteTenants = () => {
    deletingTenants ??= deleteExpiredTenants()
      .catch((error: unknown) =>
        console.error('scheduler: deleting expired tenants failed', error instanceof Error ? error.message : error),
      )
      .finally(() => {
        deletingTenants = undefined;
      });
  };
  const pruneJtis = () => {
    pruningJtis ??= pruneExpiredAssertionJtis()
      .catch(() => {})
      .finally(() => {
        pruningJtis = undefined;
      });
  };
  // Leadership may move more often than hourly (rolling restarts): prune on taking it too.
  prune();
  pruneJtis();
  findExpiring();
  deleteTenants();
  const hourly = setInterval(prune, 3_600_000);
  const everyMinute = setInterval(pruneJtis, JTI_PRUNE_MS);
  const expiring = setInterval(findExpiring, EXPIRING_MS);
  const tenants = setInterval(deleteTenants, TENANT_EXPIRY_MS);
  expiring.unref();
  tenants.unref();
  tick.unref();
  hourly.unref();
  everyMinute.unref();
  return async () => {
    clearInterval(tick);
    clearInterval(hourly);
    clearInterval(everyMinute);
    clearInterval(expiring);
    clearInterval(tenants);
    await Promise.all([running, pruningJtis, findingExpiring, deletingTenants]);
  };
}

/** Competes for leadership at once; the returned function stops the jobs and releases the lock. */
export function startScheduler(): () => Promise<void> {
  let stopJobs: (() => Promise<void>) | undefined;
  const leadership = holdLeadership(SCHEDULER_LOCK_KEY, {
    onLead: () => {
      console.log(`scheduler: process ${process.pid} leads: it runs the scheduled jobs`);
      stopJobs = runJobs();
    },
    onLose: () => {
      console.log(`scheduler: process ${process.pid} no longer leads`);
      void stopJobs?.();
      stopJobs = undefined;
    },
  });
  return async () => {
    const jobs = stopJobs;
    await leadership.stop();
    await jobs?.();
  };
}
