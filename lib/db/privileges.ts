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
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
