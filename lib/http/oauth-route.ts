import { MAX_TOKEN_REQUEST_BYTES } from '@/lib/oauth/settings';
import type { OAuthEndpointHandler } from '@/lib/oauth/token-request';
import { clientAddress } from '@/lib/http/client-address';
import { readBodyLimited } from '@/lib/http/request';
import { newRequestId } from '@/lib/request-log/request-id';

/**
 * A Next.js POST handler for one of the OAuth endpoints (token, revocation, introspection): the request's
 * parts handed to the transport-independent handler, its answer sent as it is. In production
 * server/instance.ts answers these paths before Next.js routes them, with the same handlers.
 */
export function oauthRoute(handle: OAuthEndpointHandler) {
  return async function post(request: Request): Promise<Response> {
    const requestId = newRequestId();
    const response = await handle({
      requestId,
      contentType: request.headers.get('content-type'),
      authorization: request.headers.get('authorization'),
      body: await readBodyLimited(request, MAX_TOKEN_REQUEST_BYTES),
      userAgent: request.headers.get('user-agent'),
      address: clientAddress(request) ?? 'unknown',
    });
    return new Response(response.body, {
      status: response.status,
      headers: { ...response.headers, 'Request-Id': requestId },
    });
  };
}
