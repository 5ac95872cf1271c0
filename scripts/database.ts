import { rm } from 'node:fs/promises';
import { embeddedSettings, folderSecret, startEmbeddedPostgres } from '@/lib/db/embedded';
import { migrate } from '@/lib/db/migrate';
import { grantApplicationPrivileges } from '@/lib/db/privileges';
import { APP_ROLE, OWNER_ROLE, ensureOwnedDatabase, urlAs } from '@/lib/db/roles';
import { env } from '@/lib/env';

export interface PreparedDatabase {
  /** The application role's connection: what the portal and the token endpoint use. */
  url: string;
  /** The migration owner's connection (the same as `url` for an external database without MIGRATION_DATABASE_URL). */
  ownerUrl: string;
  embedded: boolean;
  stop: () => Promise<void>;
}

/**
 * The database the portal uses: DATABASE_URL when set, otherwise the embedded
 * server (started here, or reused if already running). Migrations are applied either way, by the migration
 * owner, who then grants the application role what lib/db/privileges.ts lists.
 */
export async function prepareDatabase({ fresh = false }: { fresh?: boolean } = {}): Promise<PreparedDatabase> {
  const external = env.DATABASE_URL;
  if (external) {
    const ownerUrl = env.MIGRATION_DATABASE_URL ?? external;
    logMigrations(await migrate(ownerUrl));
    if (ownerUrl !== external)
      await grantApplicationPrivileges(ownerUrl, decodeURIComponent(new URL(external).username));
    return { url: external, ownerUrl, embedded: false, stop: async () => {} };
  }
  if (fresh) await rm(embeddedSettings().root, { recursive: true, force: true });
  const server = await startEmbeddedPostgres();
  await ensureOwnedDatabase(server.serverUrl, 'portal', OWNER_ROLE);
  const ownerUrl = urlAs(server.serverUrl, server.roles.owner, 'portal');
  logMigrations(await migrate(ownerUrl));
  await grantApplicationPrivileges(ownerUrl, APP_ROLE);
  return { url: urlAs(server.serverUrl, server.roles.app, 'portal'), ownerUrl, embedded: true, stop: server.stop };
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
  return env[envName] ?? folderSecret(embeddedSettings().root, envName.toLowerCase());
}

export function demoPassword(): string {
  return env.DEMO_PASSWORD ?? 'demo-password';
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
