import { describe, expect, it } from 'vitest';
import { usageWarning } from './usage-warning';

const now = Date.parse('2026-03-01T12:00:00.000Z');
const usage = (lastHour: number, last24Hours: number, lastUsedAt: Date | null = null) => ({
  lastHour,
  last24Hours,
  unexpiredTokens: 0,
  lastUsedAt,
});

describe('usageWarning', () => {
  it('says nothing about a secret unused for 24 hours', () => {
    expect(usageWarning(usage(0, 0, new Date(now - 2 * 86_400_000)), now)).toBeNull();
  });

  it('counts the last hour when there was use in it, with thousands separators', () => {
    expect(usageWarning(usage(1204, 5000, new Date(now - 5 * 60_000)), now)).toBe(
      'This secret obtained 1,204 tokens in the last hour; the last one 5 minutes ago.',
    );
  });

  it('falls back to the last 24 hours when the last hour was quiet', () => {
    expect(usageWarning(usage(0, 37, new Date(now - 3 * 3_600_000)), now)).toBe(
      'This secret obtained 37 tokens in the last 24 hours; the last one 3 hours ago.',
    );
  });

  it('says "token" for one and "just now" for the last few seconds', () => {
    expect(usageWarning(usage(1, 1, new Date(now - 12_000)), now)).toBe(
      'This secret obtained 1 token in the last hour; the last one just now.',
    );
  });

  it('leaves out the last use when it is not known', () => {
    expect(usageWarning(usage(2, 2), now)).toBe('This secret obtained 2 tokens in the last hour.');
  });
});
