// The direction of dependencies (docs/architecture.md): the rule and the check, used by dependency-rule.test.ts.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * Pure modules: rules, formats, hashing, clocks, the Result type and the parsed environment. They import
 * only each other (and the generated enums).
 */
const PURE = [
  'lib/credentials',
  'lib/identity',
  'lib/crypto',
  'lib/clock',
  'lib/config',
  'lib/utils',
  'lib/demo-users',
  'lib/generated',
  'lib/result',
  'lib/env',
  'lib/events',
  // The request log's reasons and request ids.
  'lib/request-log',
  // The words of every mail; sending them is lib/mail's other modules.
  'lib/mail/compose',
  // Single sign-on's rules: domains, and what a verified ID token must say.
  'lib/sso',
];

/** Each layer of lib/, and the layers its modules may import (besides their own layer and the pure ones). */
export const RULE: Record<string, readonly string[]> = {
  pure: [],
  'lib/db': [],
  'lib/data': ['lib/db'],
  'lib/oauth': ['lib/data', 'lib/db'],
  'lib/http': ['lib/oauth', 'lib/data', 'lib/db'],
  // lib/oauth: single sign-on fetches from identity providers under the JWKS-URL rules (remote-fetch.ts).
  'lib/auth': ['lib/http', 'lib/oauth', 'lib/data', 'lib/db'],
  // Sending mail (nodemailer): no database, no other layer.
  'lib/mail': [],
  'lib/jobs': ['lib/oauth', 'lib/data', 'lib/db', 'lib/mail'],
  // The one run() every server action goes through: session, policy, outage handling.
  'lib/actions': ['lib/auth', 'lib/http', 'lib/data', 'lib/db'],
  'lib/seed': ['lib/data', 'lib/db'],
  server: ['lib/jobs', 'lib/mail', 'lib/auth', 'lib/http', 'lib/oauth', 'lib/data', 'lib/db'],
  app: ['components', 'lib/actions', 'lib/auth', 'lib/http', 'lib/oauth', 'lib/data', 'lib/db'],
  // Shared components may call server actions (confirm-identity-dialog calls the security page's).
  components: ['app'],
};

/** The layer of a path relative to the repository root, or null for files outside the rule (tests, scripts). */
export function layerOf(file: string): string | null {
  const name = file
    .replace(/\\/g, '/')
    .replace(/\.(tsx?|mjs|js)$/, '')
    .replace(/\.test$/, '')
    .replace(/\/index$/, '');
  if (PURE.some((root) => name === root || name.startsWith(`${root}/`))) return 'pure';
  if (name === 'lib/db' || name.startsWith('lib/db/')) return 'lib/db';
  for (const layer of [
    'lib/data',
    'lib/oauth',
    'lib/http',
    'lib/auth',
    'lib/jobs',
    'lib/actions',
    'lib/seed',
    'lib/mail',
  ]) {
    if (name === layer || name.startsWith(`${layer}/`)) return layer;
  }
  if (name.startsWith('lib/')) return 'unclassified lib module';
  for (const layer of ['server', 'app', 'components']) if (name.startsWith(`${layer}/`)) return layer;
  return null;
}

/**
 * The repository paths a module imports (import, export … from, import(), require), aliases resolved.
 * In components/ only, `import type` is left out: client components describe the rows the data layer
 * returns by their type, which is no dependency at run time. Everywhere else a type import counts.
 */
export function importsOf(file: string, text: string): string[] {
  const source = file.startsWith('components/') ? text.replace(/^\s*import\s+type\s[^;]*;/gm, '') : text;
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .flatMap((specifier) => {
      if (specifier.startsWith('@/')) return [specifier.slice(2)];
      if (specifier.startsWith('.')) return [path.posix.join(path.posix.dirname(file), specifier)];
      return [];
    });
}

export interface Violation {
  file: string;
  imports: string;
  reason: string;
}

/** Every import in these files that the rule forbids. */
export function violations(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, text] of files) {
    const from = layerOf(file);
    if (!from) continue;
    if (from === 'unclassified lib module') {
      found.push({ file, imports: '', reason: 'is in no layer: add its folder to the rule (docs/architecture.md)' });
      continue;
    }
    for (const target of importsOf(file, text)) {
      const to = layerOf(target);
      if (!to || to === from || to === 'pure') continue;
      if (!RULE[from]!.includes(to)) found.push({ file, imports: target, reason: `${from} may not import ${to}` });
    }
  }
  return found;
}

export function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(tsx?|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)).replace(/\\/g, '/'))
    .filter((file) => !file.startsWith('lib/generated/'));
}

/** The layers where SQL may be written by hand: the data layer, the database layer and the jobs. */
export const RAW_SQL_LAYERS: readonly string[] = ['lib/data', 'lib/db', 'lib/jobs'];

const RAW_SQL = /\$(queryRaw|executeRaw)(Unsafe)?\b|\bfrom ['"]pg['"]|\brequire\(['"]pg['"]\)/;

/** Every file outside RAW_SQL_LAYERS that writes SQL by hand or talks to PostgreSQL without Prisma. */
export function rawSqlViolations(files: ReadonlyMap<string, string>): Violation[] {
  const found: Violation[] = [];
  for (const [file, text] of files) {
    const layer = layerOf(file);
    if (!layer || RAW_SQL_LAYERS.includes(layer)) continue;
    const match = RAW_SQL.exec(text);
    if (match) found.push({ file, imports: match[0], reason: `${layer} may not write SQL: move it to lib/data` });
  }
  return found;
}
