import { RETRY_AFTER_SECONDS, failedForDatabase } from '@/lib/db/availability';

/**
 * The JSON answer of an API route whose work failed: 503 with Retry-After when the database could not be
 * reached (RFC 6749-style body), otherwise the error goes on to Next's 500.
 */
export function serviceUnavailableJson(error: unknown, startedAt: number): Response {
  if (!failedForDatabase(error, startedAt)) throw error;
  return Response.json(
    { error: 'temporarily_unavailable', error_description: 'The service cannot reach its database. Try again shortly.' },
    { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' } },
  );
}
