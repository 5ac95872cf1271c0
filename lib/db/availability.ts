/**
 * Whether the database could be reached: failures are noted by the pool (lib/db.ts) and the listener, so
 * that every surface can answer "temporarily unavailable" (503) instead of mistaking an outage for a wrong
 * credential or a bug. Shared through globalThis: Next.js's bundle and server/instance.ts load this module twice.
 */

export const RETRY_AFTER_SECONDS = 2;

export const UNAVAILABLE_MESSAGE = "We can't reach the service right now. Nothing was changed; try again in a moment.";

/** The error next-auth passes to the sign-in form when the credentials could not be checked at all. */
export const SIGN_IN_UNAVAILABLE = 'ServiceUnavailable';

const state = ((
  globalThis as unknown as { databaseAvailability?: { lastFailureAt: number; lastSuccessAt: number } }
).databaseAvailability ??= {
  lastFailureAt: 0,
  lastSuccessAt: 0,
});

// Socket and pg errors, Prisma's driver-adapter kinds and codes, and the server's "going away" SQLSTATEs.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '57014',
  '53300',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '08P01',
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'P2028',
]);
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const UNREACHABLE_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|connection timeout|not queryable|Unable to start a transaction in the given time|Transaction already closed|canceling statement due to statement timeout|the database system is (starting up|shutting down)|terminating connection/i;

/** True when `error` (or anything in its cause chain) says the database could not be reached in time. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>();
  const queue = [error];
  while (queue.length) {
    const item = queue.shift();
    if (!item || typeof item !== 'object' || seen.has(item)) continue;
    seen.add(item);
    const record = item as Record<string, unknown>;
    if (typeof record.code === 'string' && UNREACHABLE_CODES.has(record.code)) return true;
    if (typeof record.kind === 'string' && UNREACHABLE_KINDS.has(record.kind)) return true;
    if (record.kind === 'postgres' && typeof record.code === 'string' && UNREACHABLE_CODES.has(record.code))
      return true;
    if (typeof record.message === 'string' && UNREACHABLE_MESSAGES.test(record.message)) return true;
    queue.push(record.cause, (record.meta as Record<string, unknown> | undefined)?.driverAdapterError);
  }
  return false;
}

export function noteDatabaseFailure(error: unknown): void {
  if (isDatabaseUnavailable(error)) state.lastFailureAt = Date.now();
}

export function noteDatabaseSuccess(): void {
  state.lastSuccessAt = Date.now();
}

/**
 * Whether a request that began at `startedAt` and failed with `error` failed because of the database:
 * the error says so, or a query failed for that reason while the request ran (Prisma may wrap the cause away).
 */
export function failedForDatabase(error: unknown, startedAt: number): boolean {
  // Next.js's redirect() and notFound() travel as errors with a NEXT_ digest: never an outage.
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest === 'string' && digest.startsWith('NEXT_')) return false;
  return isDatabaseUnavailable(error) || state.lastFailureAt >= startedAt;
}
