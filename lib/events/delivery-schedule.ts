/**
 * When a webhook is tried again: Svix's schedule, after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h (eight
 * attempts over about 27.5 hours). WEBHOOK_RETRY_SCHEDULE replaces it in test runs (lib/env.ts).
 */
export const DEFAULT_RETRY_SCHEDULE_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** An endpoint whose every attempt has failed for this long is disabled and its admins are emailed. */
export const DISABLE_FAILING_AFTER_MS = 5 * 24 * 3_600_000;

/** How long a receiver has to answer one attempt. */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** How much of a receiver's answer is kept with the attempt. */
export const RESPONSE_BODY_BYTES = 1024;

/** How long a rolled endpoint's previous signing secret keeps signing beside the new one. */
export const PREVIOUS_SECRET_SIGNS_MS = 24 * 3_600_000;

/** At most this many endpoints per organization. */
export const MAX_WEBHOOK_ENDPOINTS = 10;

/**
 * The delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed, or null when it was the
 * last one.
 */
export function nextRetryDelay(
  attempt: number,
  schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE_MS,
): number | null {
  return schedule[attempt - 1] ?? null;
}

/** "5s,5m,2h" → milliseconds; throws on anything else (the environment check names the variable). */
export function parseRetrySchedule(text: string): number[] {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  return text.split(',').map((part) => {
    const match = /^\s*(\d+)(ms|s|m|h)\s*$/.exec(part);
    if (!match) throw new Error(`"${part}" is not a delay like 5s, 5m or 2h`);
    return Number(match[1]) * units[match[2]!]!;
  });
}
