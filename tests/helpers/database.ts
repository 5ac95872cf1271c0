import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { migrate } from '@/lib/db/migrate';
import { grantApplicationPrivileges } from '@/lib/db/privileges';
import { APP_ROLE, OWNER_ROLE, ensureOwnedDatabase, urlAs } from '@/lib/db/roles';

export interface TestDatabase {
  /** The application role's connection, as the portal and the token endpoint use it. */
  appUrl: string;
  /** The migration owner's connection. */
  ownerUrl: string;
  /** The superuser's connection to the same database. */
  superuserUrl: string;
}

/** A new database on the test server, owned by the migration owner; migrated and granted unless asked otherwise. */
export async function createTestDatabases(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject('postgresServerUrl');
  const roles = inject('postgresRoles');
  const name = `test_${randomBytes(6).toString('hex')}`;
  await ensureOwnedDatabase(serverUrl, name, OWNER_ROLE);
  const ownerUrl = urlAs(serverUrl, roles.owner, name);
  if (options.migrated !== false) {
    await migrate(ownerUrl);
    await grantApplicationPrivileges(ownerUrl, APP_ROLE);
  }
  const superuserUrl = new URL(serverUrl);
  superuserUrl.pathname = `/${name}`;
  return { appUrl: urlAs(serverUrl, roles.app, name), ownerUrl, superuserUrl: superuserUrl.toString() };
}

/** The migration owner's URL of a new test database: for tests of migrations and of the schema itself. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<string> {
  return (await createTestDatabases(options)).ownerUrl;
}
