import { EXPIRING_THRESHOLD_DAYS } from '@/lib/events/catalogue';

/**
 * Tenants' test clocks: the one rule for which instant a credential's time-based rules are judged at, and the
 * parsing and stepping that moving a clock needs. A tenant (a suite's throwaway organization) may have its own
 * "now", frozen where it was last set (organizations.test_clock_at); every other organization runs on real
 * time. Access tokens are not credentials' rules: they keep real iat/exp, since resource servers check real
 * time. Pure: no I/O.
 */

const DAY_MS = 86_400_000;

/**
 * The instant (epoch ms) at which a credential's expiry, a roll's grace end and its Expired status are judged:
 * its tenant's test clock when it has one, otherwise `realNow`.
 */
export function credentialNow(testClockAt: Date | number | null | undefined, realNow: number = Date.now()): number {
  if (testClockAt === null || testClockAt === undefined) return realNow;
  return typeof testClockAt === 'number' ? testClockAt : testClockAt.getTime();
}

/** The farthest one call may move a clock: ten years, past any expiry the portal accepts. */
export const MAX_CLOCK_ADVANCE_MS = 3_653 * DAY_MS;

const DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/**
 * An ISO 8601 duration in milliseconds: weeks, days, hours, minutes and seconds in whole numbers ("P30D",
 * "PT2H", "P1DT2H30M"). Years and months are refused: their length depends on the date they start from. Null
 * for anything else, an empty "P" or "PT" included.
 */
export function parseClockDuration(text: string): number | null {
  const match = DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return null;
  const [, weeks, days, hours, minutes, seconds] = match.map((part) => (part === undefined ? 0 : Number(part)));
  if (match.slice(1).every((part) => part === undefined)) return null;
  const ms = ((((weeks! * 7 + days!) * 24 + hours!) * 60 + minutes!) * 60 + seconds!) * 1000;
  return Number.isSafeInteger(ms) ? ms : null;
}

/** A credential's instants that time-based rules act on: its expiry and the end of a roll's grace period. */
export interface CredentialStops {
  expiresAt: Date | null;
  deactivateAt: Date | null;
}

/**
 * The instants in (from, to] at which something happens to these credentials on a clock that moves from
 * `from` to `to`: each expiry and grace end, and each credential.expiring threshold before them, ascending and
 * without repeats. Moving a tenant's clock stops at each in turn, so that its events are written in the order
 * they would have happened in real time.
 */
export function clockStops(credentials: readonly CredentialStops[], from: number, to: number): number[] {
  const instants = new Set<number>();
  for (const credential of credentials) {
    for (const stop of [credential.expiresAt, credential.deactivateAt]) {
      if (!stop) continue;
      for (const days of [0, ...EXPIRING_THRESHOLD_DAYS]) {
        const at = stop.getTime() - days * DAY_MS;
        if (at > from && at <= to) instants.add(at);
      }
    }
  }
  return [...instants].sort((a, b) => a - b);
}
