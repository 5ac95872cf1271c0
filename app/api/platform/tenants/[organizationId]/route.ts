// DELETE /api/platform/tenants/:organizationId — removes a suite's organization and everything it owns.
import { deleteTenant } from '@/lib/data/tenants';
import { platformAccess, platformDenied, platformFailure } from '@/lib/http/platform-token';
import { serviceUnavailableJson } from '@/lib/http/unavailable';

export const dynamic = 'force-dynamic';

export async function DELETE(
  request: Request,
  { params }: { params: Promise<{ organizationId: string }> },
): Promise<Response> {
  const access = platformAccess(request.headers.get('authorization'));
  if (access !== 'allowed') return platformDenied(access);
  const { organizationId } = await params;
  const startedAt = Date.now();
  const result = await deleteTenant({ organizationId }).catch((error: unknown) =>
    serviceUnavailableJson(error, startedAt),
  );
  if (result instanceof Response) return result;
  if (!result.ok) return platformFailure(result);
  return Response.json({ deleted: true, organizationId }, { headers: { 'Cache-Control': 'no-store' } });
}
