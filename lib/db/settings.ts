import type pg from 'pg';
import { z } from 'zod';

const schema = z.object({
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DB_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  DB_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(3_000),
});

export type DatabaseSettings = z.infer<typeof schema>;

/** The pool's limits, read once from the environment; a bad value stops start-up with its name. */
export function databaseSettings(env: NodeJS.ProcessEnv = process.env): DatabaseSettings {
  const parsed = schema.safeParse({
    DB_POOL_SIZE: env.DB_POOL_SIZE || undefined,
    DB_CONNECT_TIMEOUT_MS: env.DB_CONNECT_TIMEOUT_MS || undefined,
    DB_STATEMENT_TIMEOUT_MS: env.DB_STATEMENT_TIMEOUT_MS || undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`${String(issue.path[0])} is invalid: ${issue.message}`);
  }
  return parsed.data;
}

/** How long a query may wait on a database that does not answer (frozen, or a dead network) before giving up. */
export function queryDeadlineMs(settings: DatabaseSettings): number {
  // The server cancels at the statement timeout; the client gives up shortly after if no answer comes at all.
  return settings.DB_STATEMENT_TIMEOUT_MS + 250;
}

/**
 * Connection settings for every pool and client of the application: a connection that is not established
 * within the connect timeout fails (also while waiting for a free pooled connection), a statement is
 * cancelled by the server at the statement timeout, and the client stops waiting for an answer shortly after.
 */
export function connectionConfig(connectionString: string | undefined, settings = databaseSettings()): pg.PoolConfig {
  return {
    connectionString,
    max: settings.DB_POOL_SIZE,
    connectionTimeoutMillis: settings.DB_CONNECT_TIMEOUT_MS,
    statement_timeout: settings.DB_STATEMENT_TIMEOUT_MS,
    query_timeout: queryDeadlineMs(settings),
    keepAlive: true,
    // Timestamps travel as UTC text without an offset: the session must read them as UTC.
    options: '-c TimeZone=UTC',
  };
}
