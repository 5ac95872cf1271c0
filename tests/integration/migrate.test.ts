import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, writeFile, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '@/lib/db/migrate';
import { createTestDatabase } from '../helpers/database';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function copyOfMigrations(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

describe('migration runner', () => {
  it('applies every migration to an empty database and records it as prisma migrate deploy does', async () => {
    const url = await createTestDatabase({ migrated: false });
    const local = await readMigrations();
    const result = await migrate(url);
    expect(result.applied).toEqual(local.map((m) => m.name));

    const rows = await query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      applied_steps_count: number;
    }>(
      url,
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
    );
    expect(rows).toHaveLength(local.length);
    for (const [i, migration] of local.entries()) {
      const file = await readFile(path.join(DEFAULT_MIGRATIONS_DIR, migration.name, 'migration.sql'));
      expect(rows[i]).toMatchObject({
        migration_name: migration.name,
        checksum: createHash('sha256').update(file).digest('hex'),
        applied_steps_count: 1,
      });
      expect(rows[i]!.finished_at).toBeInstanceOf(Date);
    }
    const tables = await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'secrets'",
    );
    expect(tables[0]!.n).toBe(1);
  });

  it('changes nothing on an up-to-date database', async () => {
    const url = process.env.MIGRATION_DATABASE_URL!;
    const before = await query(url, 'SELECT * FROM _prisma_migrations ORDER BY id');
    const result = await migrate(url);
    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied.length).toBe(before.length);
    expect(await query(url, 'SELECT * FROM _prisma_migrations ORDER BY id')).toEqual(before);
  });

  it('applies each migration once when several processes migrate at the same time', async () => {
    const url = await createTestDatabase({ migrated: false });
    const results = await Promise.all([migrate(url), migrate(url), migrate(url)]);
    const appliedCount = results.reduce((sum, r) => sum + r.applied.length, 0);
    expect(appliedCount).toBe((await readMigrations()).length);
    const rows = await query(url, 'SELECT id FROM _prisma_migrations');
    expect(rows).toHaveLength(appliedCount);
  });

  it('rolls a failing migration back whole and records nothing for it', async () => {
    const url = await createTestDatabase();
    const dir = await copyOfMigrations();
    await mkdir(path.join(dir, '29990101000000_broken'));
    await writeFile(
      path.join(dir, '29990101000000_broken', 'migration.sql'),
      'CREATE TABLE half_done (id int);\nALTER TABLE no_such_table ADD COLUMN x int;\n',
    );

    await expect(migrate(url, dir)).rejects.toThrow(/29990101000000_broken failed and was rolled back/);
    expect(await query(url, "SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'")).toHaveLength(0);
    expect(
      await query(url, "SELECT 1 FROM _prisma_migrations WHERE migration_name = '29990101000000_broken'"),
    ).toHaveLength(0);
  });

  it('refuses to go on when an applied migration was edited afterwards', async () => {
    const url = await createTestDatabase();
    const dir = await copyOfMigrations();
    const [first] = await readMigrations(dir);
    await appendFile(path.join(dir, first!.name, 'migration.sql'), '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/was edited after it was applied/);
  });
});
