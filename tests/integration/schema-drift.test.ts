import { beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { createTestDatabase } from '../helpers/database';
import { shapeOfDatabase, shapeOfPrismaSchema, type SchemaShape } from '../helpers/schema-shape';

describe('schema.prisma and the migrations', () => {
  let expected: SchemaShape;
  beforeAll(async () => {
    expected = await shapeOfPrismaSchema();
  });

  it('describe the same database: tables, columns, types, nullability, keys and foreign keys', async () => {
    expect(expected.tables).toContain('secrets');
    expect(await shapeOfDatabase(process.env.MIGRATION_DATABASE_URL!)).toEqual(expected);
  });

  describe('the comparison notices each kind of drift', () => {
    const drifts: Record<string, string> = {
      'a column type': 'ALTER TABLE secrets ALTER COLUMN preview TYPE varchar(40)',
      nullability: 'ALTER TABLE secrets ALTER COLUMN created_by_id SET NOT NULL',
      'a missing unique key': 'DROP INDEX secrets_secret_hash_key',
      'an extra column': 'ALTER TABLE users ADD COLUMN nickname text',
      'a foreign key action': `ALTER TABLE secrets DROP CONSTRAINT secrets_created_by_id_fkey,
        ADD CONSTRAINT secrets_created_by_id_fkey FOREIGN KEY (created_by_id) REFERENCES users(id) ON DELETE CASCADE`,
      'an extra table': 'CREATE TABLE stray (id int PRIMARY KEY)',
      'an enum value': 'ALTER TYPE "SecretStatus" ADD VALUE \'REVOKED\'',
    };
    for (const [what, sql] of Object.entries(drifts)) {
      it(`reports ${what}`, async () => {
        const url = await createTestDatabase();
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await client.query(sql);
        await client.end();
        expect(await shapeOfDatabase(url)).not.toEqual(expected);
      });
    }
  });
});
