// The direction of dependencies (README, "Layout"), checked on every import of the code base.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, sourceFiles, violations } from './dependency-rule';

describe('direction of dependencies', () => {
  it('allows only the imports the rule allows, in lib/, server/, app/ and components/', () => {
    const files = new Map(
      ['lib', 'server', 'app', 'components']
        .flatMap((dir) => sourceFiles(dir))
        .map((file) => [file, readFileSync(path.join(ROOT, file), 'utf8')] as const),
    );
    expect(files.size).toBeGreaterThan(100);
    expect(violations(files)).toEqual([]);
  });

  it('blocks an import against the rule, whichever way it is written', () => {
    const files = new Map([
      ['lib/credentials/lifecycle.ts', "import { prisma } from '@/lib/data/credential-queries';"],
      ['lib/db/credential-changes.ts', "export { secretVerifier } from '../oauth/secret-verifier';"],
      ['lib/data/audit.ts', "import type { Session } from '@/lib/auth/session';"],
      ['lib/oauth/token-endpoint.ts', "const jobs = await import('@/lib/jobs/credential-jobs');"],
      ['lib/newfolder/thing.ts', "import { x } from '@/lib/db';"],
      [
        'lib/data/credential-change.ts',
        "import { credentialChanges } from '@/lib/db/credential-changes';\nimport { refusal } from '@/lib/credentials/lifecycle';",
      ],
    ]);
    expect(violations(files).map((v) => `${v.file}: ${v.reason}`)).toEqual([
      'lib/credentials/lifecycle.ts: pure may not import lib/data',
      'lib/db/credential-changes.ts: lib/db may not import lib/oauth',
      'lib/data/audit.ts: lib/data may not import lib/auth',
      'lib/oauth/token-endpoint.ts: lib/oauth may not import lib/jobs',
      'lib/newfolder/thing.ts: is in no layer: add its folder to the rule (README, Layout)',
    ]);
  });
});
