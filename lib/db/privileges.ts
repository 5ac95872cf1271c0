import pg from 'pg';

export type TablePrivilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/** What the application role may do with a table that has no line below: ordinary application data. */
export const DEFAULT_TABLE_PRIVILEGES: readonly TablePrivilege[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];

/**
 * The application role's privileges, table by table: the one place to look, and the one line to add when a
 * migration adds a table that needs less than the default. Never TRUNCATE, REFERENCES or TRIGGER; the role
 * owns nothing, so it cannot ALTER, DROP or disable triggers either.
 */
export const TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  // Append-only: written and read, never changed (a trigger refuses it even to the owner).
  audit_events: ['SELECT', 'INSERT'],
  // Keys are added by the app; retiring one is an operator's job, deleting one would orphan its tokens.
  signing_keys: ['SELECT', 'INSERT', 'UPDATE'],
  // The migration runner's bookkeeping belongs to the migration owner alone.
  _prisma_migrations: [],
};

/**
 * pg-boss 10's tables in the schema `pgboss` (made by the migration owner, started with migrate: false):
 * what sending, working and maintaining the queues need, and nothing on a table not listed (the queues'
 * partitions are reached through `job`). Creating or deleting a queue is a migration's job.
 */
export const PGBOSS_TABLE_PRIVILEGES: Readonly<Record<string, readonly TablePrivilege[]>> = {
  // Maintenance and monitoring stamp when they last ran.
  version: ['SELECT', 'UPDATE'],
  queue: ['SELECT'],
  schedule: ['SELECT'],
  subscription: ['SELECT'],
  // Sending inserts, fetching and completing update, failing moves a job (delete and insert), maintenance deletes.
  job: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // Maintenance archives finished jobs and drops old ones.
  archive: ['SELECT', 'INSERT', 'DELETE'],
};

export function privilegesFor(table: string): readonly TablePrivilege[] {
  return TABLE_PRIVILEGES[table] ?? DEFAULT_TABLE_PRIVILEGES;
}

/**
 * Gives `appRole` exactly the privileges above on every table of the public schema (revoking anything
 * else), plus what sequences need. Run by the migration owner after every migration; idempotent.
 * LISTEN/NOTIFY and advisory locks need no grant.
 */
export async function grantApplicationPrivileges(ownerUrl: string, appRole: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = pg.escapeIdentifier(appRole);
    await client.query('BEGIN');
    const { rows } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') ORDER BY 1`,
    );
    await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
    for (const { name } of rows) {
      const table = pg.escapeIdentifier(name);
      await client.query(`REVOKE ALL ON TABLE ${table} FROM ${role}`);
      const privileges = privilegesFor(name);
      if (privileges.length) await client.query(`GRANT ${privileges.join(', ')} ON TABLE ${table} TO ${role}`);
    }
    await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
    const { rows: queueTables } = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'pgboss' AND c.relkind IN ('r', 'p') ORDER BY 1`,
    );
    if (queueTables.length > 0) await client.query(`GRANT USAGE ON SCHEMA pgboss TO ${role}`);
    for (const { name } of queueTables) {
      const table = `pgboss.${pg.escapeIdentifier(name)}`;
      await client.query(`REVOKE ALL ON TABLE ${table} FROM ${role}`);
      const privileges = PGBOSS_TABLE_PRIVILEGES[name] ?? [];
      if (privileges.length) await client.query(`GRANT ${privileges.join(', ')} ON TABLE ${table} TO ${role}`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
