import { readFile } from 'node:fs/promises';
import internals from '@prisma/internals';
import pg from 'pg';

/**
 * A schema reduced to what must agree between schema.prisma and the database:
 * tables, columns with type and nullability, enums, primary keys, unique
 * constraints, indexes and foreign keys. Both sides render to the same strings.
 */
export type SchemaShape = Record<string, string[]>;

const SCALAR_TYPES: Record<string, string> = {
  String: 'text',
  Int: 'integer',
  BigInt: 'bigint',
  Boolean: 'boolean',
  DateTime: 'timestamp(3)',
  Float: 'double precision',
  Json: 'jsonb',
  Bytes: 'bytea',
  Decimal: 'numeric(65,30)',
};

const NATIVE_TYPES: Record<string, (args: string[]) => string> = {
  Uuid: () => 'uuid',
  Text: () => 'text',
  Char: ([n]) => `char(${n})`,
  VarChar: ([n]) => (n ? `varchar(${n})` : 'varchar'),
  Timestamptz: ([p]) => `timestamptz(${p ?? 6})`,
  Timestamp: ([p]) => `timestamp(${p ?? 6})`,
  Integer: () => 'integer',
  BigInt: () => 'bigint',
  Inet: () => 'inet',
};

const ON_DELETE: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

function add(shape: SchemaShape, key: string, value: string) {
  (shape[key] ??= []).push(value);
}

function sorted(shape: SchemaShape): SchemaShape {
  return Object.fromEntries(
    Object.entries(shape)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => [k, [...v].sort()]),
  );
}

/** The shape that schema.prisma describes, read with Prisma's own parser. */
export async function shapeOfPrismaSchema(schemaPath = 'prisma/schema.prisma'): Promise<SchemaShape> {
  const dmmf = await internals.getDMMF({ datamodel: await readFile(schemaPath, 'utf8') });
  const shape: SchemaShape = {};
  const models = new Map(dmmf.datamodel.models.map((model) => [model.name, model]));
  const tableOf = (modelName: string) => models.get(modelName)?.dbName ?? modelName;
  const columnOf = (modelName: string, fieldName: string) => {
    const field = models.get(modelName)?.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  const enumTypes = new Map(dmmf.datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  for (const e of dmmf.datamodel.enums) {
    add(shape, `enum ${e.dbName ?? e.name}`, e.values.map((v) => v.dbName ?? v.name).join(','));
  }
  for (const model of dmmf.datamodel.models) {
    const table = model.dbName ?? model.name;
    add(shape, 'tables', table);
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (field.relationFromFields?.length) {
          const from = field.relationFromFields.map((f) => columnOf(model.name, f)).join(',');
          const to = (field.relationToFields ?? []).map((f) => columnOf(field.type, f)).join(',');
          const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
          add(shape, `${table} foreign keys`, `(${from}) -> ${tableOf(field.type)}(${to}) on delete ${onDelete}`);
        }
        continue;
      }
      const [nativeName, nativeArgs] = (field.nativeType as [string, string[]] | null) ?? [];
      const type =
        field.kind === 'enum'
          ? `enum ${enumTypes.get(field.type) ?? field.type}`
          : nativeName
            ? (NATIVE_TYPES[nativeName]?.(nativeArgs ?? []) ?? `unmapped ${nativeName}`)
            : (SCALAR_TYPES[field.type] ?? `unmapped ${field.type}`);
      add(
        shape,
        `${table} columns`,
        `${field.dbName ?? field.name} ${type}${field.isList ? '[]' : ''} ${field.isRequired ? 'not null' : 'null'}`,
      );
    }
  }
  for (const index of dmmf.datamodel.indexes) {
    const table = tableOf(index.model);
    const columns = index.fields.map((f) => columnOf(index.model, f.name)).join(',');
    const kind = index.type === 'id' ? 'primary key' : index.type === 'unique' ? 'unique' : 'index';
    add(shape, `${table} keys`, `${kind} (${columns})`);
  }
  return sorted(shape);
}

/** The shape of a live database's public schema, leaving out Prisma's bookkeeping table. */
export async function shapeOfDatabase(connectionString: string): Promise<SchemaShape> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const shape: SchemaShape = {};
    const enums = await client.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = 'public' GROUP BY t.typname`);
    for (const e of enums.rows) add(shape, `enum ${e.name}`, e.labels.join(','));

    const columns = await client.query<{
      table_name: string;
      column_name: string;
      udt_name: string;
      data_type: string;
      is_nullable: string;
      character_maximum_length: number | null;
      datetime_precision: number | null;
      numeric_precision: number | null;
      numeric_scale: number | null;
    }>(`
      SELECT c.table_name, c.column_name, c.udt_name, c.data_type, c.is_nullable,
             c.character_maximum_length, c.datetime_precision, c.numeric_precision, c.numeric_scale
      FROM information_schema.columns c JOIN information_schema.tables t
        ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
      WHERE c.table_schema = 'public' AND c.table_name <> '_prisma_migrations'`);
    const tables = new Set<string>();
    for (const c of columns.rows) {
      tables.add(c.table_name);
      const array = c.data_type === 'ARRAY';
      const udt = array ? c.udt_name.slice(1) : c.udt_name;
      const type =
        c.data_type === 'USER-DEFINED'
          ? `enum ${udt}`
          : udt === 'bpchar'
            ? `char(${c.character_maximum_length})`
            : udt === 'varchar'
              ? c.character_maximum_length
                ? `varchar(${c.character_maximum_length})`
                : 'varchar'
              : udt === 'timestamptz'
                ? `timestamptz(${c.datetime_precision})`
                : udt === 'timestamp'
                  ? `timestamp(${c.datetime_precision})`
                  : udt === 'numeric'
                    ? `numeric(${c.numeric_precision},${c.numeric_scale})`
                    : ((
                        { int4: 'integer', int8: 'bigint', bool: 'boolean', float8: 'double precision' } as Record<
                          string,
                          string
                        >
                      )[udt] ?? udt);
      add(
        shape,
        `${c.table_name} columns`,
        `${c.column_name} ${type}${array ? '[]' : ''} ${c.is_nullable === 'YES' ? 'null' : 'not null'}`,
      );
    }
    for (const table of tables) add(shape, 'tables', table);

    const indexes = await client.query<{
      table_name: string;
      is_primary: boolean;
      is_unique: boolean;
      columns: string[];
    }>(`
      SELECT t.relname AS table_name, i.indisprimary AS is_primary, i.indisunique AS is_unique,
             array_agg(a.attname ORDER BY k.ord)::text[] AS columns
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = 'public' AND t.relname <> '_prisma_migrations'
        -- A partial index (with a WHERE) cannot be declared in schema.prisma: it lives in the migrations alone.
        AND i.indpred IS NULL
      GROUP BY t.relname, i.indexrelid, i.indisprimary, i.indisunique`);
    for (const i of indexes.rows) {
      const kind = i.is_primary ? 'primary key' : i.is_unique ? 'unique' : 'index';
      add(shape, `${i.table_name} keys`, `${kind} (${i.columns.join(',')})`);
    }

    const foreignKeys = await client.query<{
      table_name: string;
      columns: string[];
      ref_table: string;
      ref_columns: string[];
      on_delete: string;
    }>(`
      SELECT t.relname AS table_name, rt.relname AS ref_table, c.confdeltype AS on_delete,
        (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
        (SELECT array_agg(a.attname ORDER BY k.ord)::text[] FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_columns
      FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class rt ON rt.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`);
    for (const fk of foreignKeys.rows) {
      add(
        shape,
        `${fk.table_name} foreign keys`,
        `(${fk.columns.join(',')}) -> ${fk.ref_table}(${fk.ref_columns.join(',')}) on delete ${ON_DELETE[fk.on_delete] ?? fk.on_delete}`,
      );
    }
    return sorted(shape);
  } finally {
    await client.end();
  }
}
