// docs/architecture.md's data map names, for every table, the modules that write it: this keeps it true.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceFiles } from './dependency-rule';

/** Table name → Prisma model name, from the schema's @@map lines. */
function tablesOfSchema(schema: string): Map<string, string> {
  const tables = new Map<string, string>();
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    const mapped = /@@map\("(\w+)"\)/.exec(body!)?.[1];
    tables.set(mapped ?? model!, model!);
  }
  return tables;
}

/** Each table of the data map → the text of its "written by" cell. */
function dataMap(doc: string): Map<string, string> {
  const section = doc.split(/^## Data map$/m)[1]?.split(/^## /m)[0] ?? '';
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 4) continue;
    for (const [, table] of cells[0]!.matchAll(/`(\w+)`/g)) rows.set(table!, cells[1]!);
  }
  return rows;
}

/** The files that insert, update or delete rows of a table, through Prisma or in SQL. */
function writersOf(files: ReadonlyMap<string, string>, table: string, model: string): string[] {
  const delegate = model[0]!.toLowerCase() + model.slice(1);
  const prismaWrite = new RegExp(`\\.${delegate}\\.(create|createMany|update|updateMany|upsert|delete|deleteMany)\\b`);
  const sqlWrite = new RegExp(`(INSERT INTO|UPDATE|DELETE FROM)\\s+"?${table}\\b`);
  return [...files].filter(([, text]) => prismaWrite.test(text) || sqlWrite.test(text)).map(([file]) => file);
}

describe('the data map in docs/architecture.md', () => {
  const schema = readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8');
  const doc = readFileSync(path.join(ROOT, 'docs/architecture.md'), 'utf8');
  const files = new Map(
    ['lib', 'server', 'app']
      .flatMap((dir) => sourceFiles(dir))
      .filter((file) => !file.endsWith('.test.ts') && file !== 'lib/seed.ts')
      .map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8')] as const),
  );

  it('has a row for every table of the schema', () => {
    const tables = tablesOfSchema(schema);
    expect(tables.size).toBeGreaterThan(15);
    expect([...tables.keys()].filter((table) => !dataMap(doc).has(table))).toEqual([]);
  });

  it('names every module that writes each table', () => {
    const rows = dataMap(doc);
    const unnamed = [...tablesOfSchema(schema)].flatMap(([table, model]) =>
      writersOf(files, table, model)
        .filter((file) => !rows.get(table)?.includes(`${path.basename(file)}\``))
        .map((file) => `${table}: ${file}`),
    );
    expect(unnamed).toEqual([]);
  });

  it('notices a writer it does not name', () => {
    const stray = new Map([['lib/oauth/usage-recorder.ts', 'await tx.credentialCaller.deleteMany({});']]);
    expect(writersOf(stray, 'secret_callers', 'CredentialCaller')).toEqual(['lib/oauth/usage-recorder.ts']);
    expect(dataMap(doc).get('secret_callers')).not.toContain('usage-recorder.ts');
  });
});
