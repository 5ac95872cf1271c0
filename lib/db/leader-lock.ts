import pg from 'pg';
import { connectionConfig } from '@/lib/db/settings';
import { env } from '@/lib/env';

/** The advisory lock whose holder runs the once-only jobs (server/scheduler.ts). Any constant will do. */
export const SCHEDULER_LOCK_KEY = 1_100_211;

/** How often a follower tries to take the lock, and a leader checks that its lock connection still answers. */
export const LEADER_RETRY_MS = 2_000;

export interface Leadership {
  isLeader(): boolean;
  /** Stops leading (calling `onLose`) and ends the lock's connection, which releases the lock. */
  stop(): Promise<void>;
}

/**
 * Leader election among the processes that share the database: each holds a connection of its own and tries
 * `pg_try_advisory_lock(key)` every `retryMs`; the one that gets it leads until its session ends. A leader
 * that dies ends its session, so PostgreSQL frees the lock and another process takes it within `retryMs`.
 * The leader checks its connection every `retryMs` too: an error, an end, or no answer within the query
 * deadline (lib/db/settings.ts) ends its leadership at once, since PostgreSQL may already have handed the
 * lock on. Session-level advisory locks need no privilege: the least-privileged application role may take one.
 */
export function holdLeadership(
  key: number,
  { onLead, onLose, retryMs = LEADER_RETRY_MS }: { onLead: () => void; onLose: () => void; retryMs?: number },
): Leadership {
  let client: pg.Client | undefined;
  let leading = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let attempt: Promise<void> = Promise.resolve();

  const drop = (lost: pg.Client | undefined): Promise<void> => {
    if (!lost || lost !== client) return Promise.resolve();
    client = undefined;
    if (leading) {
      leading = false;
      onLose();
    }
    // Ending the session releases the lock (if PostgreSQL still has it) as soon as the server reads the close.
    // A connection that never opened (or a frozen server) may never confirm the end: do not wait for it long.
    return Promise.race([
      lost.end().catch(() => {}),
      new Promise<void>((resolve) => setTimeout(resolve, 1_000).unref()),
    ]);
  };

  const connect = async (): Promise<pg.Client> => {
    const fresh = new pg.Client({
      ...connectionConfig(env.DATABASE_URL),
      application_name: `leader-lock ${process.pid}`,
    });
    fresh.on('error', () => void drop(fresh));
    fresh.on('end', () => void drop(fresh));
    client = fresh;
    await fresh.connect();
    return fresh;
  };

  const tick = async () => {
    let current = client;
    try {
      current ??= await connect();
      if (leading) await current.query('SELECT 1');
      else {
        const { rows } = await current.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [key]);
        if (rows[0]?.locked && !stopped && current === client) {
          leading = true;
          onLead();
        }
      }
    } catch {
      void drop(current ?? client);
    }
  };

  const loop = () => {
    if (stopped) return;
    attempt = tick().finally(() => {
      if (!stopped) timer = setTimeout(loop, retryMs).unref();
    });
  };
  loop();

  return {
    isLeader: () => leading,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await attempt;
      await drop(client);
    },
  };
}
