// POST /api/platform/tenants — creates a throwaway organization for an end-to-end suite (off unless PLATFORM_API_TOKEN is set);
// `"totp": true` also enrolls an authenticator app for its admin and returns the key once; `"testClock": true`
// gives it its own clock (…/clock); `"ttlMinutes"` (1–1440, default 1440) is when it deletes itself; `"session": true`
// also signs its admin in: the answer carries the session cookie (`admin.session.cookie`), once.
import { issuedSessionCookie } from '@/lib/auth/issued-session';
import { createTenant } from '@/lib/data/tenants';
import { clientAddress } from '@/lib/http/client-address';
import { platformAccess, platformDenied, platformFailure } from '@/lib/http/platform-token';
import { invalidInput } from '@/lib/result';
import { serviceUnavailableJson } from '@/lib/http/unavailable';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const access = platformAccess(request.headers.get('authorization'));
  if (access !== 'allowed') return platformDenied(access);
  const body: unknown = await request.json().catch(() => null);
  const input = (body && typeof body === 'object' ? body : {}) as {
    name?: unknown;
    domain?: unknown;
    email?: unknown;
    totp?: unknown;
    testClock?: unknown;
    ttlMinutes?: unknown;
    session?: unknown;
  };
  if (input.totp !== undefined && typeof input.totp !== 'boolean') {
    return platformFailure(invalidInput('totp must be true or false.', 'totp'));
  }
  if (input.testClock !== undefined && typeof input.testClock !== 'boolean') {
    return platformFailure(invalidInput('testClock must be true or false.', 'testClock'));
  }
  if (input.session !== undefined && typeof input.session !== 'boolean') {
    return platformFailure(invalidInput('session must be true or false.', 'session'));
  }
  if (input.ttlMinutes !== undefined && typeof input.ttlMinutes !== 'number') {
    return platformFailure(invalidInput('ttlMinutes must be a whole number of minutes from 1 to 1440.', 'ttlMinutes'));
  }
  const startedAt = Date.now();
  const result = await createTenant({
    name: typeof input.name === 'string' ? input.name : '',
    domain: typeof input.domain === 'string' ? input.domain : undefined,
    email: typeof input.email === 'string' ? input.email : undefined,
    totp: input.totp,
    testClock: input.testClock,
    ttlMinutes: input.ttlMinutes,
    session: input.session,
    context: { address: clientAddress(request), userAgent: request.headers.get('user-agent') },
  }).catch((error: unknown) => serviceUnavailableJson(error, startedAt));
  if (result instanceof Response) return result;
  if (!result.ok) return platformFailure(result);
  const { adminSession, ...tenant } = result.tenant;
  const answer = adminSession
    ? { ...tenant, admin: { ...tenant.admin, session: { cookie: await issuedSessionCookie(adminSession) } } }
    : tenant;
  return Response.json(answer, { status: 201, headers: { 'Cache-Control': 'no-store' } });
}
