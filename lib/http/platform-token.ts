import { createHash, timingSafeEqual } from 'node:crypto';
import type { ErrorCode, Failure } from '@/lib/result';
import { env } from '@/lib/env';

/**
 * The platform API (tenants for test suites) is off unless PLATFORM_API_TOKEN is set (lib/env.ts refuses one
 * shorter than 32 characters); then it needs `Authorization: Bearer <that token>`. Returns 'disabled',
 * 'denied' or 'allowed'.
 */
export function platformAccess(authorization: string | null): 'disabled' | 'denied' | 'allowed' {
  const expected = env.PLATFORM_API_TOKEN;
  if (!expected) return 'disabled';
  const given = authorization?.match(/^Bearer (\S+)$/i)?.[1] ?? '';
  // Compare digests: equal length, constant time.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected)) ? 'allowed' : 'denied';
}

export function platformDenied(access: 'disabled' | 'denied'): Response {
  return access === 'disabled'
    ? new Response('Not found', { status: 404 })
    : Response.json(
        { error: 'unauthorized' },
        { status: 401, headers: { 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' } },
      );
}

/** The platform API's status for each failure a tenant command can return; anything else is a bad request. */
const PLATFORM_STATUS: Partial<Record<ErrorCode, number>> = { invalid_input: 400, not_found: 404, conflict: 409 };

/**
 * The one mapper from a command's failure to the platform API's JSON: `{ error: code, message }`, and `field`
 * when the failure names the input it concerns.
 */
export function platformFailure(failure: Pick<Failure, 'code' | 'message' | 'field'>): Response {
  return Response.json(
    { error: failure.code, message: failure.message, ...(failure.field ? { field: failure.field } : {}) },
    { status: PLATFORM_STATUS[failure.code] ?? 400, headers: { 'Cache-Control': 'no-store' } },
  );
}
