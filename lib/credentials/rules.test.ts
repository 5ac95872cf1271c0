import { describe, expect, it } from 'vitest';
import { addressAllowed, displayStatus, normalizeCidr, credentialNameSchema } from './rules';

describe('secret names', () => {
  it('trims, allows any script, and limits to 1–64 characters', () => {
    expect(credentialNameSchema.parse('  Production  ')).toBe('Production');
    expect(credentialNameSchema.parse('生产环境 🔑')).toBe('生产环境 🔑');
    expect(credentialNameSchema.parse('x'.repeat(64))).toHaveLength(64);
    expect(credentialNameSchema.safeParse('x'.repeat(65)).success).toBe(false);
    expect(credentialNameSchema.safeParse('   ').success).toBe(false);
    expect(credentialNameSchema.safeParse('a\u0000b').success).toBe(false);
    expect(credentialNameSchema.parse('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
  });
});

describe('address ranges', () => {
  it('normalizes IPv4 and IPv6 ranges and single addresses, and rejects nonsense', () => {
    expect(normalizeCidr('10.1.2.3/8')).toBe('10.0.0.0/8');
    expect(normalizeCidr(' 192.168.0.7 ')).toBe('192.168.0.7/32');
    expect(normalizeCidr('2001:db8::1/32')).toBe('2001:db8::/32');
    expect(normalizeCidr('::1')).toBe('::1/128');
    for (const bad of ['10.0.0.0/33', '300.1.1.1', 'example.com', '', '10.0.0.0/-1', '1.2.3.4/8/9'])
      expect(normalizeCidr(bad)).toBeNull();
  });

  it('matches addresses, including IPv4-mapped IPv6 peers', () => {
    expect(addressAllowed('10.9.8.7', [])).toBe(true);
    expect(addressAllowed('10.9.8.7', ['10.0.0.0/8'])).toBe(true);
    expect(addressAllowed('::ffff:10.9.8.7', ['10.0.0.0/8'])).toBe(true);
    expect(addressAllowed('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(addressAllowed('2001:db8::5', ['10.0.0.0/8', '2001:db8::/32'])).toBe(true);
    expect(addressAllowed('2001:db9::5', ['2001:db8::/32'])).toBe(false);
    expect(addressAllowed('not-an-address', ['0.0.0.0/0'])).toBe(false);
  });
});

describe('display status', () => {
  it('shows Expired from the expiry instant on', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    expect(displayStatus('ACTIVE', at, at.getTime() - 1)).toBe('ACTIVE');
    expect(displayStatus('ACTIVE', at, at.getTime())).toBe('EXPIRED');
    expect(displayStatus('DISABLED', null)).toBe('DISABLED');
  });
});
