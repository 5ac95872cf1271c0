// GET /audit-log/export — the organization's audit trail as CSV, with the page's filters; admins only.
import { getActor } from '@/lib/auth/session';
import { canManageCredentials } from '@/lib/identity/actor';
import { auditCsvStream } from '@/lib/data/audit-csv';
import { parseAuditQuery } from '../filters';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const actor = await getActor();
  if (!actor) return new Response('Sign in to export the audit log.', { status: 401 });
  if (!canManageCredentials(actor)) return new Response('Only admins can export the audit log.', { status: 403 });
  const { filters } = parseAuditQuery(Object.fromEntries(new URL(request.url).searchParams));
  const date = new Date().toISOString().slice(0, 10);
  return new Response(auditCsvStream({ organizationId: actor.membership.organizationId, filters }), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="audit-log-${date}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
