// The README is the front door and docs/ the manual: every relative link in them must lead somewhere.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './dependency-rule';
import { anchorsOf, brokenLinks } from './docs-links';

function markdownFiles(): Map<string, string> {
  const names = [
    'README.md',
    ...readdirSync(path.join(ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];
  return new Map(names.map((name) => [name, readFileSync(path.join(ROOT, name), 'utf8')] as const));
}

const onDisk = (file: string) => existsSync(path.join(ROOT, file));

describe('README and docs/', () => {
  it('keeps the README to at most 200 lines', () => {
    const lines = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\n$/, '').split('\n');
    expect(lines.length).toBeLessThanOrEqual(200);
  });

  it('allows only links whose file and heading exist', () => {
    const files = markdownFiles();
    expect(files.size).toBeGreaterThan(5);
    expect(brokenLinks(files, onDisk)).toEqual([]);
  });

  it('blocks a link to a missing file or heading, and allows the README to link to a heading', () => {
    const files = new Map([
      ['README.md', '# Title\n\nSee [ops](docs/ops.md#health-checks) and [gone](docs/gone.md).\n'],
      [
        'docs/ops.md',
        [
          '# Operations',
          '## Health checks',
          '```sh',
          'echo "[not a link](nowhere.md)"',
          '```',
          'Back to [the README](../README.md#title), [here](#health-checks), [a typo](#health-check),',
          '[code](../lib/env.ts), [roles](#database-roles), [docs](https://example.com/x.md) and `[inline](no.md)`.',
        ].join('\n'),
      ],
    ]);
    const exists = (file: string) => file === 'lib/env.ts';
    expect(brokenLinks(files, exists).map(({ file, target }) => `${file} → ${target}`)).toEqual([
      'README.md → docs/gone.md',
      'docs/ops.md → #health-check',
      'docs/ops.md → #database-roles',
    ]);
  });

  it('names headings as GitHub does', () => {
    expect([
      ...anchorsOf(
        '# Public keys (`private_key_jwt`)\n## Re-authentication ("sudo mode")\n## Token endpoint (`npm run bench:token`)\n## Usage\n## Usage\n',
      ),
    ]).toEqual([
      'public-keys-private_key_jwt',
      're-authentication-sudo-mode',
      'token-endpoint-npm-run-benchtoken',
      'usage',
      'usage-1',
    ]);
  });
});
