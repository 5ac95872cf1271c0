import type pg from 'pg';
import { env, envOf, type Env, type RawEnv } from '@/lib/env';

export type DatabaseSettings = Pick<Env, 'DB_POOL_SIZE' | 'DB_CONNECT_TIMEOUT_MS' | 'DB_STATEMENT_TIMEOUT_MS'>;

/** The pool's limits (parsed and range-checked by lib/env.ts); from the process's environment unless given another. */
export function databaseSettings(source?: RawEnv): DatabaseSettings {
  const values = source ? envOf(source) : env;
  return {
    DB_POOL_SIZE: values.DB_POOL_SIZE,
    DB_CONNECT_TIMEOUT_MS: values.DB_CONNECT_TIMEOUT_MS,
    DB_STATEMENT_TIMEOUT_MS: values.DB_STATEMENT_TIMEOUT_MS,
  };
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
