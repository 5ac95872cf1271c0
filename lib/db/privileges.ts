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
  // The job queue (pg-boss 10, schema pgboss, made by the migration owner and started with migrate: false):
  // what sending, working and maintaining the queues need. Its tables not listed here get nothing (the
  // queues' partitions are reached through `job`); creating or deleting a queue is a migration's job.
  // Maintenance and monitoring stamp when they last ran.
  'pgboss.version': ['SELECT', 'UPDATE'],
  'pgboss.queue': ['SELECT'],
  'pgboss.schedule': ['SELECT'],
  'pgboss.subscription': ['SELECT'],
  // Sending inserts, fetching and completing update, failing moves a job, maintenance deletes.
  'pgboss.job': ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // Maintenance archives finished jobs and drops old ones.
  'pgboss.archive': ['SELECT', 'INSERT', 'DELETE'],
};

/** The schemas whose tables the application role uses: its own, and the job queue's. */
export const APPLICATION_SCHEMAS = ['public', 'pgboss'] as const;

/**
 * `table` is a public table's name, or `schema.table` for another schema's. A public table not listed is
 * ordinary application data (the default); a queue table not listed gets nothing.
 */
export function privilegesFor(table: string): readonly TablePrivilege[] {
  return TABLE_PRIVILEGES[table] ?? (table.startsWith('pgboss.') ? [] : DEFAULT_TABLE_PRIVILEGES);
}

/**
 * Gives `appRole` exactly the privileges above on every table of the application's schemas (revoking
 * anything else), plus what sequences need. Run by the migration owner after every migration; idempotent.
 * LISTEN/NOTIFY and advisory locks need no grant.
 */
export async function grantApplicationPrivileges(ownerUrl: string, appRole: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const role = pg.escapeIdentifier(appRole);
    await client.query('BEGIN');
    const { rows } = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1) AND c.relkind IN ('r', 'p', 'v') ORDER BY 1, 2`,
      [APPLICATION_SCHEMAS],
    );
    const schemas = new Set(rows.map((row) => row.schema).concat('public'));
    for (const schema of schemas) await client.query(`GRANT USAGE ON SCHEMA ${pg.escapeIdentifier(schema)} TO ${role}`);
    for (const { schema, name } of rows) {
      const table = `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;
      await client.query(`REVOKE ALL ON TABLE ${table} FROM ${role}`);
      const privileges = privilegesFor(schema === 'public' ? name : `${schema}.${name}`);
      if (privileges.length) await client.query(`GRANT ${privileges.join(', ')} ON TABLE ${table} TO ${role}`);
    }
    for (const schema of schemas)
      await client.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA ${pg.escapeIdentifier(schema)} TO ${role}`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
