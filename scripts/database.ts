import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { embeddedSettings, ensureDatabaseExists, startEmbeddedPostgres, withDatabase } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';

export interface PreparedDatabase {
  url: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

/**
 * The database the portal uses: DATABASE_URL when set, otherwise the embedded
 * server (started here, or reused if already running). Migrations are applied either way.
 */
export async function prepareDatabase({ fresh = false }: { fresh?: boolean } = {}): Promise<PreparedDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) {
    logMigrations(await migrate(external));
    return { url: external, embedded: false, stop: async () => {} };
  }
  if (fresh) await rm(embeddedSettings().root, { recursive: true, force: true });
  const server = await startEmbeddedPostgres();
  const url = withDatabase(server.serverUrl, 'portal');
  await ensureDatabaseExists(server.serverUrl, 'portal');
  logMigrations(await migrate(url));
  return { url, embedded: true, stop: server.stop };
}

function logMigrations(result: { applied: string[]; alreadyApplied: string[] }) {
  const applied = result.applied.length ? `applied ${result.applied.join(', ')}` : 'up to date';
  console.log(`Database migrations: ${applied}.`);
}

/**
 * A secret the portal needs across restarts (next-auth's signing key, the key that encrypts token signing
 * keys): the environment variable when set, otherwise one generated once and kept beside the embedded data.
 */
export async function persistentSecret(envName: 'NEXTAUTH_SECRET' | 'TOKEN_KEY_ENCRYPTION_KEY'): Promise<string> {
  const fromEnv = process.env[envName];
  if (fromEnv) return fromEnv;
  const file = path.join(embeddedSettings().root, envName.toLowerCase());
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

export function demoPassword(): string {
  return process.env.DEMO_PASSWORD ?? 'demo-password';
}

/** Runs `main`, stopping the embedded database however the process ends. */
export function runWithDatabase(main: (db: PreparedDatabase) => Promise<void>, options?: { fresh?: boolean }) {
  let db: PreparedDatabase | undefined;
  const shutdown = async (code: number) => {
    await db?.stop().catch(() => {});
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(130));
  process.once('SIGTERM', () => void shutdown(143));
  prepareDatabase(options)
    .then(async (prepared) => {
      db = prepared;
      process.env.DATABASE_URL = prepared.url;
      await main(prepared);
    })
    .catch(async (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      await shutdown(1);
    });
}
