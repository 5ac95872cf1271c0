import { RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, failedForDatabase } from '@/lib/db/availability';

/**
 * The JSON answer of an API route whose work failed: 503 with Retry-After when the database could not be
 * reached (RFC 6749-style body), otherwise the error goes on to Next's 500.
 */
export function serviceUnavailableJson(error: unknown, startedAt: number): Response {
  if (!failedForDatabase(error, startedAt)) throw error;
  return Response.json(
    {
      error: 'temporarily_unavailable',
      error_description: 'The service cannot reach its database. Try again shortly.',
    },
    { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' } },
  );
}

/** A server action's answer while the database cannot be reached: clear, and marked as worth retrying. */
export const UNAVAILABLE_ACTION_RESULT = { ok: false, message: UNAVAILABLE_MESSAGE, retryable: true } as const;

/**
 * Runs a server action's work; when it fails because the database could not be reached, the action returns
 * UNAVAILABLE_ACTION_RESULT instead of failing with a 500. Any other error goes on as before.
 */
export async function retryableOnOutage<T>(work: () => Promise<T>): Promise<T | typeof UNAVAILABLE_ACTION_RESULT> {
  const startedAt = Date.now();
  try {
    return await work();
  } catch (error) {
    if (failedForDatabase(error, startedAt)) return UNAVAILABLE_ACTION_RESULT;
    throw error;
  }
}
