import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_NAMES, EnvError, checkEnv, envOf, portalUrl, testSettingWarnings } from '@/lib/env';

describe('env', () => {
  it('warns at start-up about each test setting that is on, and about nothing otherwise', () => {
    expect(testSettingWarnings(envOf({}))).toEqual([]);
    expect(testSettingWarnings(envOf({ TEST_CLOCK: '0', OAUTH_ALLOW_LOOPBACK_HTTP: '0' }))).toEqual([]);
    const warnings = testSettingWarnings(envOf({ TEST_CLOCK: '1', OAUTH_ALLOW_LOOPBACK_HTTP: '1' }));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^⚠ TEST_CLOCK=1: .*Never set it outside test runs\.$/);
    expect(warnings[1]).toMatch(/^⚠ OAUTH_ALLOW_LOOPBACK_HTTP=1: .*Never set it outside test runs\.$/);
  });

  it('types and defaults every variable, an empty value counting as unset', () => {
    const values = envOf({ PORT: '', TRUST_PROXY: '1', MAX_SECRETS_PER_CLIENT: '12' });
    expect(values.PORT).toBe(3000);
    expect(values.TRUST_PROXY).toBe(true);
    expect(values.TEST_CLOCK).toBe(false);
    expect(values.MAX_SECRETS_PER_CLIENT).toBe(12);
    expect(values.DB_POOL_SIZE).toBe(10);
    expect(portalUrl(values)).toBe('http://localhost:3000');
    expect(portalUrl(envOf({ NEXTAUTH_URL: 'https://portal.example/', PORTAL_URL: 'https://public.example/' }))).toBe(
      'https://public.example',
    );
  });

  it('follows a variable that changes after the first read', () => {
    const source: Record<string, string> = { USAGE_FLUSH_MS: '1000' };
    const values = envOf(source);
    expect(values.USAGE_FLUSH_MS).toBe(1000);
    source.USAGE_FLUSH_MS = '2000';
    expect(values.USAGE_FLUSH_MS).toBe(2000);
  });

  it('blocks a value out of range or of the wrong kind, naming the variable and never echoing the value', () => {
    expect(() => envOf({ DB_POOL_SIZE: 'ten' }).DB_POOL_SIZE).toThrow(/DB_POOL_SIZE/);
    expect(() => envOf({ MAX_SECRETS_PER_CLIENT: '0' }).MAX_SECRETS_PER_CLIENT).toThrow(EnvError);
    expect(() => envOf({ TRUST_PROXY: 'yes' }).TRUST_PROXY).toThrow(/TRUST_PROXY/);
    expect(() => envOf({ TOKEN_KEY_ENCRYPTION_KEY: 'too-short-secret' }).TOKEN_KEY_ENCRYPTION_KEY).toThrow(
      /TOKEN_KEY_ENCRYPTION_KEY/,
    );
    expect(() => envOf({ TOKEN_KEY_ENCRYPTION_KEY: 'too-short-secret' }).TOKEN_KEY_ENCRYPTION_KEY).not.toThrow(
      /too-short-secret/,
    );
    try {
      checkEnv({ PORT: '70000', NEXTAUTH_URL: 'portal.example' });
      expect.unreachable();
    } catch (error) {
      expect((error as EnvError).problems.map((problem) => problem.name)).toEqual(['PORT', 'NEXTAUTH_URL']);
    }
    expect(() => checkEnv({})).not.toThrow();
  });

  it('blocks a platform API token shorter than 32 characters, and allows a longer one', () => {
    expect(() => checkEnv({ PLATFORM_API_TOKEN: 'x'.repeat(31) })).toThrow(/PLATFORM_API_TOKEN: Use at least 32/);
    expect(() => checkEnv({ PLATFORM_API_TOKEN: 'x'.repeat(31) })).not.toThrow(/x{31}/);
    expect(checkEnv({ PLATFORM_API_TOKEN: 'x'.repeat(32) }).PLATFORM_API_TOKEN).toBe('x'.repeat(32));
    expect(checkEnv({ PLATFORM_API_TOKEN: '' }).PLATFORM_API_TOKEN).toBeUndefined();
  });

  it('is documented: every variable has a row in the table of docs/operations.md', () => {
    const operations = readFileSync('docs/operations.md', 'utf8');
    const section = operations.split(/^## /m).find((part) => part.startsWith('Environment variables\n')) ?? '';
    const documented = new Set(
      section
        .split('\n')
        .filter((line) => line.startsWith('| `'))
        .flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`([A-Z0-9_]+)`/g)].map((match) => match[1])),
    );
    for (const name of ENV_NAMES) expect(documented, name).toContain(name);
  });
});
