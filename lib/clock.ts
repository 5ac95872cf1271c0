import { env } from '@/lib/env';
/**
 * The server's notion of "now" for account security (session expiry, re-authentication windows) and for
 * the leader's look for credentials nearing expiry (server/scheduler.ts). End-to-end suites need to move
 * it forward ("20 minutes after sign-in", "four days later") without waiting. That is only
 * possible in a process started with TEST_CLOCK=1, which `npm start` never sets (the server warns
 * loudly when it is set: lib/env.ts testSettingWarnings).
 */
const globalForClock = globalThis as unknown as { clockOffsetMs?: number };

export function testClockEnabled(): boolean {
  return env.TEST_CLOCK;
}

export function now(): Date {
  return new Date(Date.now() + (globalForClock.clockOffsetMs ?? 0));
}

/** Moves the clock (test runs only); returns false when the test clock is not enabled. */
export function setClockOffset(offsetMs: number): boolean {
  if (!testClockEnabled()) return false;
  globalForClock.clockOffsetMs = offsetMs;
  return true;
}
