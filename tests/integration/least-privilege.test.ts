import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '@/lib/db/migrate';
import { DEFAULT_TABLE_PRIVILEGES, TABLE_PRIVILEGES, privilegesFor } from '@/lib/db/privileges';
import { inspectPrivileges, privilegeWarning } from '@/lib/db/roles';

// The application's connection (DATABASE_URL, the application role) against the migration owner's and the
// superuser's: what a stolen application connection can and cannot do.
describe('the application role', () => {
  const app = new pg.Client({ connectionString: process.env.DATABASE_URL });
  const superuser = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_DATABASE_URL });
  const auditRows = async () => Number((await superuser.query('SELECT count(*) FROM audit_events')).rows[0].count);

  beforeAll(async () => {
    await app.connect();
    await superuser.connect();
    await superuser.query(
      `INSERT INTO audit_events (id, organization_id, actor_name, actor_role, action, created_at)
       VALUES (gen_random_uuid(), gen_random_uuid(), 'Test', 'SYSTEM', 'created', now())`,
    );
  });
  afterAll(async () => {
    await app.end();
    await superuser.end();
  });

  it('is no superuser, cannot create roles or databases, and owns no table', async () => {
    const { rows } = await app.query(
      'SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles WHERE rolname = current_user',
    );
    expect(rows[0]).toEqual({
      rolsuper: false,
      rolcreaterole: false,
      rolcreatedb: false,
      rolreplication: false,
      rolbypassrls: false,
    });
    const report = await inspectPrivileges(async (sql) => (await app.query(sql)).rows);
    expect(report).toMatchObject({ superuser: false, ownedTables: [] });
    expect(privilegeWarning(report)).toBeNull();
  });

  it('may only insert and read audit events: every route to changing or removing them is refused', async () => {
    const before = await auditRows();
    expect(before).toBeGreaterThan(0);
    const attempts = [
      'UPDATE audit_events SET action = $$nothing$$',
      'DELETE FROM audit_events',
      'TRUNCATE audit_events',
      // The attack that worked as the superuser: replica mode skips ordinary triggers.
      'BEGIN; SET LOCAL session_replication_role = replica; DELETE FROM audit_events; COMMIT',
      'ALTER TABLE audit_events DISABLE TRIGGER ALL',
      'ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_or_delete',
      'DROP TRIGGER audit_events_no_update_or_delete ON audit_events',
      'DROP TRIGGER audit_events_no_truncate ON audit_events',
      'CREATE OR REPLACE FUNCTION audit_events_are_append_only() RETURNS trigger AS $$ BEGIN RETURN OLD; END $$ LANGUAGE plpgsql',
      'DROP TABLE audit_events',
      'ALTER TABLE audit_events RENAME TO audit_events_old',
      'ALTER TABLE audit_events OWNER TO CURRENT_USER',
      'CREATE TABLE audit_events_copy (id int)',
      'CREATE ROLE intruder SUPERUSER LOGIN',
      'ALTER ROLE CURRENT_USER SUPERUSER',
      `COPY (SELECT 1) TO PROGRAM 'id'`,
      `COPY audit_events FROM PROGRAM 'true'`,
      `SELECT pg_read_file('PG_VERSION')`,
      'SET ROLE portal_owner',
      'SET ROLE postgres',
    ];
    // Granting itself a privilege it lacks is a no-op with a warning ("no privileges were granted").
    await app.query('GRANT DELETE, UPDATE, TRUNCATE ON audit_events TO CURRENT_USER');
    for (const sql of attempts) {
      await expect(app.query(sql), sql).rejects.toThrow(
        /permission denied|must be owner|must be superuser|only superusers|not allowed|privilege/i,
      );
      await app.query('ROLLBACK').catch(() => {});
    }
    expect(await auditRows()).toBe(before);
    // What it may do still works.
    await app.query(
      `INSERT INTO audit_events (id, organization_id, actor_name, actor_role, action, created_at)
       VALUES (gen_random_uuid(), gen_random_uuid(), 'Test', 'SYSTEM', 'created', now())`,
    );
    expect(Number((await app.query('SELECT count(*) FROM audit_events')).rows[0].count)).toBe(before + 1);
  });

  it("holds exactly the privileges lib/db/privileges.ts lists, table by table, in its schema and the queue's", async () => {
    const { rows } = await app.query<{ table: string; privilege: string }>(
      `SELECT CASE WHEN t.schemaname = 'public' THEN t.tablename ELSE t.schemaname || '.' || t.tablename END AS table,
              p.privilege
       FROM pg_tables t
       CROSS JOIN unnest(ARRAY['SELECT','INSERT','UPDATE','DELETE','TRUNCATE','REFERENCES','TRIGGER']) AS p(privilege)
       WHERE t.schemaname IN ('public', 'pgboss')
         AND has_table_privilege(current_user, format('%I.%I', t.schemaname, t.tablename), p.privilege)`,
    );
    const tables = (
      await app.query<{ table: string }>(
        `SELECT CASE WHEN schemaname = 'public' THEN tablename ELSE schemaname || '.' || tablename END AS table
         FROM pg_tables WHERE schemaname IN ('public', 'pgboss')`,
      )
    ).rows;
    expect(tables.length).toBeGreaterThan(10);
    // The queue's own tables and a partition per queue (webhook-delivery, email), which get nothing.
    expect(tables.map((t) => t.table)).toEqual(
      expect.arrayContaining(['pgboss.job', 'pgboss.version', 'pgboss.archive']),
    );
    expect(tables.filter((t) => t.table.startsWith('pgboss.j') && t.table !== 'pgboss.job').length).toBe(2);
    for (const { table } of tables) {
      const held = rows
        .filter((row) => row.table === table)
        .map((row) => row.privilege)
        .sort();
      expect(held, table).toEqual([...privilegesFor(table)].sort());
    }
    expect(TABLE_PRIVILEGES.audit_events).toEqual(['SELECT', 'INSERT']);
    expect(DEFAULT_TABLE_PRIVILEGES).not.toContain('TRUNCATE');
  });

  it("cannot create or drop a queue, or change the queue's schema", async () => {
    await expect(app.query(`SELECT pgboss.create_queue('intruder', '{"policy":"standard"}')`)).rejects.toThrow();
    await expect(app.query('DROP TABLE pgboss.job')).rejects.toThrow(/owner|permission/);
    await expect(app.query('CREATE TABLE pgboss.intruder (id int)')).rejects.toThrow(/permission/);
  });

  it('is what a warning at start-up would call out when it is not', async () => {
    const report = await inspectPrivileges(async (sql) => (await superuser.query(sql)).rows);
    expect(privilegeWarning(report)).toMatch(/superuser/);
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    const ownerReport = await inspectPrivileges(async (sql) => (await owner.query(sql)).rows);
    await owner.end();
    expect(ownerReport.superuser).toBe(false);
    expect(privilegeWarning(ownerReport)).toMatch(/owns \d+ table/);
  });
});

describe('npm run db:roles (an external database)', () => {
  it("hands a superuser's database to a migration owner and prints a least-privileged application URL", async () => {
    const suffix = randomBytes(4).toString('hex');
    const admin = new URL(process.env.TEST_SUPERUSER_DATABASE_URL!);
    admin.pathname = `/dba_${suffix}`;
    const maintenance = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_DATABASE_URL });
    await maintenance.connect();
    await maintenance.query(`CREATE DATABASE dba_${suffix}`);
    await maintenance.end();
    // As it was before: migrated by, and every table owned by, the superuser.
    await migrate(admin.toString());

    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/db-roles.ts'], {
      env: {
        ...process.env,
        DATABASE_ADMIN_URL: admin.toString(),
        DB_OWNER_ROLE: `dba_owner_${suffix}`,
        DB_APP_ROLE: `dba_app_${suffix}`,
      },
    });
    const urls = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(urls).sort()).toEqual(['DATABASE_URL', 'MIGRATION_DATABASE_URL']);

    const app = new pg.Client({ connectionString: urls.DATABASE_URL });
    const owner = new pg.Client({ connectionString: urls.MIGRATION_DATABASE_URL });
    await app.connect();
    await owner.connect();
    try {
      const appReport = await inspectPrivileges(async (sql) => (await app.query(sql)).rows);
      expect(appReport).toMatchObject({ user: `dba_app_${suffix}`, superuser: false, ownedTables: [] });
      const ownerReport = await inspectPrivileges(async (sql) => (await owner.query(sql)).rows);
      expect(ownerReport.ownedTables).toContain('audit_events');
      expect(ownerReport.superuser).toBe(false);
      await expect(app.query('DELETE FROM audit_events')).rejects.toThrow(/permission denied/);
      await expect(app.query('SELECT count(*) FROM secrets')).resolves.toBeTruthy();
    } finally {
      await app.end();
      await owner.end();
    }
  });
});
