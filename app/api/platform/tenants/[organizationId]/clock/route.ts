// GET, POST /api/platform/tenants/:organizationId/clock — reads a tenant's test clock, or moves it forward
// ({"advanceBy": "P30D"} or {"to": "<ISO time>"}); the POST answers once every instance has the new time and
// the events due in between are queued.
import { advanceTenantClock, readTenantClock } from '@/lib/data/tenant-clocks';
import { platformAccess, platformDenied, platformFailure } from '@/lib/http/platform-token';
import { serviceUnavailableJson } from '@/lib/http/unavailable';
import { invalidInput } from '@/lib/result';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ organizationId: string }> };

function answer(result: Awaited<ReturnType<typeof readTenantClock>> | Response): Response {
  if (result instanceof Response) return result;
  if (!result.ok) return platformFailure(result);
  return Response.json({ now: result.now.toISOString() }, { headers: { 'Cache-Control': 'no-store' } });
}

export async function GET(request: Request, { params }: Params): Promise<Response> {
  const access = platformAccess(request.headers.get('authorization'));
  if (access !== 'allowed') return platformDenied(access);
  const { organizationId } = await params;
  const startedAt = Date.now();
  return answer(
    await readTenantClock({ organizationId }).catch((error: unknown) => serviceUnavailableJson(error, startedAt)),
  );
}

export async function POST(request: Request, { params }: Params): Promise<Response> {
  const access = platformAccess(request.headers.get('authorization'));
  if (access !== 'allowed') return platformDenied(access);
  const { organizationId } = await params;
  const body: unknown = await request.json().catch(() => null);
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return platformFailure(invalidInput('Send a JSON object: {"advanceBy": "P30D"} or {"to": "<ISO time>"}.'));
  const { advanceBy, to, ...rest } = body as Record<string, unknown>;
  const unknownField = Object.keys(rest)[0];
  if (unknownField !== undefined)
    return platformFailure(invalidInput(`Unknown field "${unknownField}": send "advanceBy" or "to".`, unknownField));
  const startedAt = Date.now();
  return answer(
    await advanceTenantClock({ organizationId, advanceBy, to }).catch((error: unknown) =>
      serviceUnavailableJson(error, startedAt),
    ),
  );
}
