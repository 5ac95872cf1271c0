import pg from 'pg';
import { connectionConfig, databaseSettings } from '@/lib/db/settings';
import { env } from '@/lib/env';

/**
 * Runs `work` while holding the PostgreSQL advisory lock named `name`, across every process that shares the
 * database. The lock is held on a connection of its own, outside the application's pool: `work` may use the
 * pool freely, and any number of holders at once cannot take every pooled connection and leave their own work
 * waiting for one. Ending the connection releases the lock, so a process that dies holding it frees it too.
 * `waitMs` bounds both the wait for the lock and `work` (the lock's session is cancelled after it).
 */
export async function withSessionLock<T>(name: string, waitMs: number, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({
    ...connectionConfig(env.DATABASE_URL, { ...databaseSettings(), DB_STATEMENT_TIMEOUT_MS: waitMs }),
    application_name: 'credentials-console lock',
  });
  // An error on an idle client (the server restarting) must not end the process; the next query reports it.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [name]);
    return await work();
  } finally {
    await client.end().catch(() => {});
  }
}
