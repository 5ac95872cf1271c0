import { describe, expect, it } from 'vitest';
import { clockStops, credentialNow, parseClockDuration } from './test-clock';

const DAY = 86_400_000;

describe('credentialNow', () => {
  it('is the tenant clock when there is one, real time otherwise', () => {
    const clock = new Date('2030-01-01T00:00:00Z');
    expect(credentialNow(clock, 5)).toBe(clock.getTime());
    expect(credentialNow(clock.getTime(), 5)).toBe(clock.getTime());
    expect(credentialNow(null, 5)).toBe(5);
    expect(credentialNow(undefined, 5)).toBe(5);
  });
});

describe('parseClockDuration', () => {
  it('reads days, hours, minutes, seconds and weeks, alone or combined', () => {
    expect(parseClockDuration('P30D')).toBe(30 * DAY);
    expect(parseClockDuration('PT2H')).toBe(2 * 3_600_000);
    expect(parseClockDuration('PT15M')).toBe(15 * 60_000);
    expect(parseClockDuration('PT1S')).toBe(1000);
    expect(parseClockDuration('P1DT2H')).toBe(DAY + 2 * 3_600_000);
    expect(parseClockDuration('P2W')).toBe(14 * DAY);
    expect(parseClockDuration('P0D')).toBe(0);
  });

  it('refuses years, months, fractions, signs, empty parts and anything else', () => {
    for (const bad of ['', 'P', 'PT', 'P1DT', '30d', 'P1Y', 'P1M', 'PT1.5S', '-P1D', 'P1H', 'pt2h', ' P1D', 'P1D '])
      expect(parseClockDuration(bad), bad).toBeNull();
  });
});

describe('clockStops', () => {
  const from = Date.parse('2030-01-01T00:00:00Z');

  it('lists each expiring threshold, expiry and grace end inside the jump, in time order', () => {
    const expiresAt = new Date(from + 20 * DAY);
    const deactivateAt = new Date(from + 3 * DAY);
    expect(clockStops([{ expiresAt, deactivateAt }], from, from + 30 * DAY)).toEqual([
      from + 2 * DAY, // grace end − 1 day
      from + 3 * DAY, // grace end
      from + 6 * DAY, // expiry − 14 days
      from + 13 * DAY, // expiry − 7 days
      from + 19 * DAY, // expiry − 1 day
      from + 20 * DAY, // expiry
    ]);
  });

  it('includes the end of the jump and excludes its start', () => {
    const expiresAt = new Date(from + DAY);
    expect(clockStops([{ expiresAt, deactivateAt: null }], from, from + DAY)).toEqual([from + DAY]);
    expect(clockStops([{ expiresAt, deactivateAt: null }], from + DAY, from + 2 * DAY)).toEqual([]);
  });

  it('lists an instant two credentials share once', () => {
    const expiresAt = new Date(from + DAY);
    expect(
      clockStops(
        [
          { expiresAt, deactivateAt: null },
          { expiresAt, deactivateAt: expiresAt },
        ],
        from,
        from + DAY,
      ),
    ).toEqual([from + DAY]);
  });
});
