// POST /api/platform/tenants/:organizationId/events — an event trigger: {"type": "credential.leaked"} sends a
// sample of that catalogue event, marked as a test, to the tenant's webhook endpoints (202: it is queued).
import { triggerTenantEvent } from '@/lib/data/tenants';
import { platformAccess, platformDenied, platformFailure } from '@/lib/http/platform-token';
import { serviceUnavailableJson } from '@/lib/http/unavailable';

export const dynamic = 'force-dynamic';

export async function POST(
  request: Request,
  { params }: { params: Promise<{ organizationId: string }> },
): Promise<Response> {
  const access = platformAccess(request.headers.get('authorization'));
  if (access !== 'allowed') return platformDenied(access);
  const { organizationId } = await params;
  const body: unknown = await request.json().catch(() => null);
  const type = body && typeof body === 'object' ? (body as { type?: unknown }).type : undefined;
  const startedAt = Date.now();
  const result = await triggerTenantEvent({ organizationId, type }).catch((error: unknown) =>
    serviceUnavailableJson(error, startedAt),
  );
  if (result instanceof Response) return result;
  if (!result.ok) return platformFailure(result);
  return Response.json(
    { id: result.eventId, type: result.type, test: true },
    { status: 202, headers: { 'Cache-Control': 'no-store' } },
  );
}
