// npm run db:roles — sets up least privilege on an external PostgreSQL, for the DBA: creates (or updates)
// the migration owner and the application role, hands the database and its objects to the owner, migrates
// as the owner, grants the application role what lib/db/privileges.ts lists, and prints the two URLs.
import { randomBytes } from 'node:crypto';
import { migrate } from '@/lib/db/migrate';
import { grantApplicationPrivileges } from '@/lib/db/privileges';
import { APP_ROLE, OWNER_ROLE, ensureOwnedDatabase, ensureRoles, urlAs } from '@/lib/db/roles';
import { checkEnv, env } from '@/lib/env';

checkEnv();
const admin = env.DATABASE_ADMIN_URL;
if (!admin) {
  console.error(
    "Set DATABASE_ADMIN_URL to a superuser's URL of the portal's database, e.g. postgresql://postgres:…@db:5432/portal",
  );
  process.exit(1);
}

const database = decodeURIComponent(new URL(admin).pathname.slice(1)) || 'portal';
const generated: string[] = [];
const password = (name: 'DB_OWNER_PASSWORD' | 'DB_APP_PASSWORD') => {
  const value = env[name];
  if (value) return value;
  generated.push(name);
  return randomBytes(24).toString('base64url');
};
const roles = {
  owner: { user: env.DB_OWNER_ROLE ?? OWNER_ROLE, password: password('DB_OWNER_PASSWORD') },
  app: { user: env.DB_APP_ROLE ?? APP_ROLE, password: password('DB_APP_PASSWORD') },
};
// Roles and databases are the cluster's: manage them from the maintenance database.
const cluster = new URL(admin);
cluster.pathname = '/postgres';

try {
  await ensureRoles(cluster.toString(), roles);
  await ensureOwnedDatabase(cluster.toString(), database, roles.owner.user);
  const ownerUrl = urlAs(admin, roles.owner, database);
  const result = await migrate(ownerUrl);
  await grantApplicationPrivileges(ownerUrl, roles.app.user);
  console.error(
    `Roles ready on ${database}: ${roles.owner.user} owns the schema (migrations: ${result.applied.length} applied), ` +
      `${roles.app.user} has the application's privileges.` +
      (generated.length ? ` Generated ${generated.join(' and ')}: keep the URLs below in your secret store.` : ''),
  );
  console.log(`MIGRATION_DATABASE_URL=${ownerUrl}`);
  console.log(`DATABASE_URL=${urlAs(admin, roles.app, database)}`);
} catch (error) {
  console.error(`db:roles failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
