import { afterEach, describe, expect, it } from 'vitest';
import { EXPIRY_CHOICES, expiryFrom } from './expiry';

const zone = process.env.TZ;
afterEach(() => {
  process.env.TZ = zone;
});

describe('expiryFrom', () => {
  const now = Date.parse('2026-03-01T10:15:00.000Z');

  it('means no expiry for "none"', () => {
    expect(expiryFrom('none', '2026-05-01', now)).toBeNull();
  });

  it('counts whole days of 24 hours from now for the presets', () => {
    expect(expiryFrom('30', '', now)).toBe('2026-03-31T10:15:00.000Z');
    expect(expiryFrom('90', '', now)).toBe('2026-05-30T10:15:00.000Z');
    expect(expiryFrom('365', '', now)).toBe('2027-03-01T10:15:00.000Z');
  });

  it('ends a chosen date at the local midnight that closes it', () => {
    process.env.TZ = 'UTC';
    expect(expiryFrom('date', '2026-06-15', now)).toBe('2026-06-16T00:00:00.000Z');
    process.env.TZ = 'America/New_York';
    expect(expiryFrom('date', '2026-06-15', now)).toBe('2026-06-16T04:00:00.000Z');
    process.env.TZ = 'Asia/Tokyo';
    expect(expiryFrom('date', '2026-06-15', now)).toBe('2026-06-15T15:00:00.000Z');
  });

  it('rolls over the end of a month and of a year', () => {
    process.env.TZ = 'UTC';
    expect(expiryFrom('date', '2026-02-28', now)).toBe('2026-03-01T00:00:00.000Z');
    expect(expiryFrom('date', '2026-12-31', now)).toBe('2027-01-01T00:00:00.000Z');
  });

  it('uses the offset of the next day across a daylight-saving change', () => {
    // Berlin moves to summer time in the night of 28-29 March 2026: that midnight is still UTC+1.
    process.env.TZ = 'Europe/Berlin';
    expect(expiryFrom('date', '2026-03-28', now)).toBe('2026-03-28T23:00:00.000Z');
    expect(expiryFrom('date', '2026-03-29', now)).toBe('2026-03-29T22:00:00.000Z');
  });

  it('asks for a date when the field is empty or not a date', () => {
    expect(expiryFrom('date', '', now)).toBeUndefined();
    expect(expiryFrom('date', '15/06/2026', now)).toBeUndefined();
    expect(expiryFrom('date', '2026-6-15', now)).toBeUndefined();
  });

  it('offers every choice the dialog lists', () => {
    for (const { value } of EXPIRY_CHOICES) {
      const result = expiryFrom(value, '2026-06-15', now);
      expect(result === null || typeof result === 'string').toBe(true);
    }
  });
});
