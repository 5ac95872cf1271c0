import { z } from 'zod';
import { OUTCOMES, REFUSAL_REASONS, type Outcome, type RefusalReason } from '@/lib/request-log/reasons';
import { isRequestId } from '@/lib/request-log/request-id';

/**
 * The request log page's query string: filters, the page cursor and a Request ID to find, so that every view
 * is a link. Anything malformed is ignored rather than trusted, except a Request ID, which the page answers.
 * Pure.
 */

export const TIME_RANGES = {
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '30d': { label: 'Last 30 days', ms: 30 * 86_400_000 },
} as const;
export type TimeRange = keyof typeof TIME_RANGES;
export const DEFAULT_TIME_RANGE: TimeRange = '30d';

const querySchema = z.object({
  credential: z.uuid().optional().catch(undefined),
  outcome: z.enum(OUTCOMES).optional().catch(undefined),
  reason: z.enum(REFUSAL_REASONS).optional().catch(undefined),
  range: z
    .enum(Object.keys(TIME_RANGES) as [TimeRange, ...TimeRange[]])
    .optional()
    .catch(undefined),
  before: z.string().max(200).optional().catch(undefined),
  id: z.string().max(200).optional().catch(undefined),
});

export interface RequestLogQuery {
  credentialId?: string;
  outcome?: Outcome;
  reason?: RefusalReason;
  range: TimeRange;
  before: { at: Date; id: string } | null;
  /** What was typed in the Request ID field, trimmed; with `requestIdValid` saying whether it is one. */
  requestId?: string;
  requestIdValid: boolean;
}

export function parseRequestLogQuery(params: Record<string, string | string[] | undefined>): RequestLogQuery {
  const flat = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = querySchema.parse(flat);
  const requestId = parsed.id?.trim() || undefined;
  return {
    credentialId: parsed.credential,
    outcome: parsed.outcome,
    // A reason is a refusal's: asking for one means refusals.
    reason: parsed.reason,
    range: parsed.range ?? DEFAULT_TIME_RANGE,
    before: decodeRequestCursor(parsed.before),
    requestId,
    requestIdValid: isRequestId(requestId),
  };
}

/** The filters as query parameters (without the cursor or the Request ID), for links and the Clear button. */
export function filterParams(query: RequestLogQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.credentialId) params.set('credential', query.credentialId);
  if (query.outcome) params.set('outcome', query.outcome);
  if (query.reason) params.set('reason', query.reason);
  if (query.range !== DEFAULT_TIME_RANGE) params.set('range', query.range);
  return params;
}

export function encodeRequestCursor(row: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.at.toISOString(), row.id])).toString('base64url');
}

export function decodeRequestCursor(text: string | undefined): { at: Date; id: string } | null {
  if (!text) return null;
  try {
    const [at, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [unknown, unknown];
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at)) || !isRequestId(id)) return null;
    return { at: new Date(at), id };
  } catch {
    return null;
  }
}

/** What the Request ID field says about a value that is not one. */
export const REQUEST_ID_FORMAT_MESSAGE =
  'That is not a Request ID. A Request ID is req_ followed by 22 letters and digits, as in the Request-Id header of our answer.';
