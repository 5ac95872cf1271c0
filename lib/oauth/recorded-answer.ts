import { oauthErrorResponse, refusalOf, type EndpointResponse } from '@/lib/oauth/errors';
import { callerOf, type CallerContext } from '@/lib/oauth/client-authentication';
import { requestLog } from '@/lib/oauth/request-log';
import { claimedClientId, type TokenEndpointRequest } from '@/lib/oauth/token-request';
import { newRequestId } from '@/lib/request-log/request-id';
import type { LoggedEndpoint } from '@/lib/request-log/reasons';

/** What an endpoint answered a request it accepted, and for which client and credential. */
export interface AcceptedRequest {
  response: EndpointResponse;
  clientId: string;
  credentialId: string;
}

/**
 * What the token, revocation and introspection endpoints share around their own work: the caller, every
 * failure answered in the RFC 6749 shape (a 503 for a database failure seen since the request began), and
 * the outcome recorded in the request log (lib/oauth/request-log.ts) with the request's Request-Id: a
 * success with its client and credential, a refusal with its reason and what is known of whose it was.
 */
export async function answerAndRecord(
  endpoint: LoggedEndpoint,
  raw: TokenEndpointRequest,
  work: (caller: CallerContext) => Promise<AcceptedRequest>,
): Promise<EndpointResponse> {
  const startedAt = Date.now();
  const caller = callerOf(raw);
  const requestId = raw.requestId ?? newRequestId();
  try {
    const { response, clientId, credentialId } = await work(caller);
    requestLog.record({
      requestId,
      endpoint,
      clientId,
      credentialId,
      reason: null,
      status: response.status,
      ...caller,
    });
    return response;
  } catch (error) {
    const response = oauthErrorResponse(error, startedAt);
    const refusal = refusalOf(error, response.status);
    requestLog.record({
      requestId,
      endpoint,
      clientId: refusal.clientId || claimedClientId(raw),
      credentialId: refusal.credentialId ?? null,
      reason: refusal.reason,
      status: response.status,
      error: refusal.error,
      scopes: refusal.scopes,
      ...caller,
    });
    return response;
  }
}
