import pg from 'pg';

/** A login role: the migration owner or the application role. */
export interface RoleCredentials {
  user: string;
  password: string;
}

export const OWNER_ROLE = 'portal_owner';
export const APP_ROLE = 'portal_app';

/** `serverUrl` with another user, password and database. */
export function urlAs(serverUrl: string, role: RoleCredentials, database: string): string {
  const url = new URL(serverUrl);
  url.username = encodeURIComponent(role.user);
  url.password = encodeURIComponent(role.password);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates (or updates the password of) the migration owner and the application role. Neither is a
 * superuser, neither may create roles or databases; run with a superuser or a CREATEROLE connection.
 */
export async function ensureRoles(
  adminUrl: string,
  roles: { owner: RoleCredentials; app: RoleCredentials },
): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const role of [roles.owner, roles.app]) {
      const name = pg.escapeIdentifier(role.user);
      const exists = (await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role.user])).rowCount! > 0;
      const attributes = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';
      // Passwords cannot be bound parameters in utility statements; escapeLiteral quotes them safely.
      const password = client.escapeLiteral(role.password);
      await client.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${name} WITH ${attributes} PASSWORD ${password}`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Makes sure `database` exists and belongs to the migration owner, together with everything in its public
 * schema (a database made before the roles existed belonged to the superuser). Run as a superuser.
 */
export async function ensureOwnedDatabase(adminUrl: string, database: string, owner: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query<{ owner: string }>(
      'SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1',
      [database],
    );
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE ${pg.escapeIdentifier(database)} OWNER ${pg.escapeIdentifier(owner)}`);
      return;
    }
    if (found.rows[0]!.owner === owner) return;
    await client.query(`ALTER DATABASE ${pg.escapeIdentifier(database)} OWNER TO ${pg.escapeIdentifier(owner)}`);
  } finally {
    await client.end();
  }
  await adoptObjects(urlWithDatabase(adminUrl, database), owner);
}

function urlWithDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Hands every table, sequence, view, type and function of the public schema and of the job queue's (`pgboss`) to `owner`. */
async function adoptObjects(databaseUrl: string, owner: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`
      DO $$
      DECLARE item record;
      BEGIN
        FOR item IN
          SELECT format('ALTER %s %I.%I OWNER TO %I',
                        CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                        n.nspname, c.relname, ${client.escapeLiteral(owner)}) AS sql
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname IN ('public', 'pgboss')
            AND (c.relkind IN ('r', 'p', 'v', 'm')
                 -- a sequence that belongs to a column follows its table
                 OR (c.relkind = 'S' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))))
          UNION ALL
          SELECT format('ALTER TYPE %I.%I OWNER TO %I', n.nspname, t.typname, ${client.escapeLiteral(owner)})
          FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname IN ('public', 'pgboss') AND t.typtype IN ('e', 'd')
          UNION ALL
          SELECT format('ALTER FUNCTION %s OWNER TO %I', p.oid::regprocedure, ${client.escapeLiteral(owner)})
          FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
          WHERE n.nspname IN ('public', 'pgboss')
          UNION ALL
          SELECT format('ALTER SCHEMA %I OWNER TO %I', nspname, ${client.escapeLiteral(owner)})
          FROM pg_namespace WHERE nspname = 'pgboss'
        LOOP
          EXECUTE item.sql;
        END LOOP;
      END $$`);
  } finally {
    await client.end();
  }
}

export interface PrivilegeReport {
  user: string;
  superuser: boolean;
  /** Tables of the public schema this connection's role owns. */
  ownedTables: string[];
}

/** Who the connection is, and whether it has more power than an application should. */
export async function inspectPrivileges(
  query: (sql: string) => Promise<Record<string, unknown>[]>,
): Promise<PrivilegeReport> {
  const [me] = await query(
    `SELECT current_user AS "user", rolsuper AS superuser FROM pg_roles WHERE rolname = current_user`,
  );
  const owned = await query(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user ORDER BY 1`,
  );
  return {
    user: String(me?.user ?? ''),
    superuser: me?.superuser === true,
    ownedTables: owned.map((row) => String(row.name)),
  };
}

/** The start-up warning for an over-privileged application connection, or null when it is least-privileged. */
export function privilegeWarning(report: PrivilegeReport): string | null {
  const problems = [
    report.superuser ? 'is a superuser' : null,
    report.ownedTables.length
      ? `owns ${report.ownedTables.length} table(s) (${report.ownedTables.slice(0, 3).join(', ')}…)`
      : null,
  ].filter(Boolean);
  if (!problems.length) return null;
  return (
    `WARNING: the application connects to PostgreSQL as "${report.user}", which ${problems.join(' and ')}. ` +
    'Anyone who gets hold of this connection can rewrite the audit log. Connect as a least-privileged role: ' +
    'see "Database roles" in docs/operations.md (npm run db:roles).'
  );
}
