import { z } from 'zod';
import { decodeCursor, type AuditFilters } from '@/lib/data/audit';

const filterSchema = z.object({
  secret: z.uuid().optional().catch(undefined),
  action: z
    .string()
    .regex(/^[a-z_]{1,40}$/)
    .optional()
    .catch(undefined),
  actor: z.uuid().optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

/** Filters from the query string; anything malformed is ignored rather than trusted. */
export function parseAuditQuery(params: Record<string, string | string[] | undefined>) {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = filterSchema.parse(flat);
  const filters: AuditFilters = { credentialId: parsed.secret, action: parsed.action, actorId: parsed.actor };
  return { filters, cursor: decodeCursor(parsed.after), raw: parsed };
}
