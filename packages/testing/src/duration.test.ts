import { describe, expect, it } from 'vitest';
import { durationMs, isoDuration } from './duration';

const DAY = 86_400_000;

describe('durations for the tenant clock', () => {
  it('reads ISO 8601 durations of weeks, days, hours, minutes and seconds', () => {
    expect(durationMs('P30D')).toBe(30 * DAY);
    expect(durationMs('PT2H')).toBe(2 * 3_600_000);
    expect(durationMs('P1DT2H')).toBe(DAY + 2 * 3_600_000);
    expect(durationMs('PT90M')).toBe(90 * 60_000);
    expect(durationMs('PT45S')).toBe(45_000);
    expect(durationMs('P2W')).toBe(14 * DAY);
  });

  it('reads the short form and whole seconds in milliseconds', () => {
    expect(durationMs('30d')).toBe(30 * DAY);
    expect(durationMs('1d12h')).toBe(DAY + 12 * 3_600_000);
    expect(durationMs('15m')).toBe(15 * 60_000);
    expect(durationMs(86_400_000)).toBe(DAY);
  });

  it('refuses what the clock cannot move by: months, years, nothing, going back, parts of a second', () => {
    for (const bad of ['P1M', 'P1Y', 'P', 'PT', '', '30', 'd', '-1d', 'P1DT', '2 days', 'P0D']) {
      expect(() => durationMs(bad), bad).toThrow(RangeError);
    }
    for (const bad of [0, -1000, 1500, 1.5, Number.NaN]) expect(() => durationMs(bad), String(bad)).toThrow(RangeError);
  });

  it('writes what the clock API takes, largest units first', () => {
    expect(isoDuration('30d')).toBe('P30D');
    expect(isoDuration('PT2H')).toBe('PT2H');
    expect(isoDuration('P2W')).toBe('P14D');
    expect(isoDuration(DAY + 2 * 3_600_000 + 3 * 60_000 + 4_000)).toBe('P1DT2H3M4S');
    expect(isoDuration('PT90M')).toBe('PT1H30M');
    expect(isoDuration('45s')).toBe('PT45S');
  });
});
