import { describe, expect, it } from 'vitest';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from '@/lib/identity/recovery-codes';
import { normalizeTotpCode } from '@/lib/identity/totp';

describe('recovery codes', () => {
  it('are ten distinct base32 codes of two groups of five', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
  });

  it('hash the same however they are typed, and differently per user', () => {
    expect(normalizeRecoveryCode(' ABCDE-fgh23 ')).toBe('abcdefgh23');
    expect(hashRecoveryCode('u1', 'abcde-fgh23')).toBe(hashRecoveryCode('u1', 'ABCDE FGH23'));
    expect(hashRecoveryCode('u1', 'abcde-fgh23')).not.toBe(hashRecoveryCode('u2', 'abcde-fgh23'));
  });
});

describe('normalizeTotpCode', () => {
  it('accepts six digits with spaces or a dash, and nothing else', () => {
    expect(normalizeTotpCode('123 456')).toBe('123456');
    expect(normalizeTotpCode('123-456')).toBe('123456');
    expect(normalizeTotpCode('12345')).toBeNull();
    expect(normalizeTotpCode('12345a')).toBeNull();
  });
});
