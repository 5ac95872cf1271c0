import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientAddress } from '@/lib/http/client-address';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import type { OAuthEndpointHandler } from '@/lib/oauth/token-request';
import { handleRevocationRequest } from '@/lib/oauth/revocation-endpoint';
import { handleIntrospectionRequest } from '@/lib/oauth/introspection-endpoint';
import { MAX_TOKEN_REQUEST_BYTES, OAUTH_PATHS } from '@/lib/oauth/settings';
import { OAuthError, oauthErrorResponse, type EndpointResponse } from '@/lib/oauth/errors';
import { newRequestId } from '@/lib/request-log/request-id';

/**
 * The OAuth endpoints answered before Next.js, by path: the same handlers as app/api/oauth/{token,revoke,
 * introspect}/route.ts, which serve them under `next dev`.
 */
export const OAUTH_ENDPOINTS: ReadonlyMap<string, OAuthEndpointHandler> = new Map([
  [OAUTH_PATHS.token, handleTokenRequest],
  [OAUTH_PATHS.revocation, handleRevocationRequest],
  [OAUTH_PATHS.introspection, handleIntrospectionRequest],
]);

function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_TOKEN_REQUEST_BYTES) {
      req.resume();
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_TOKEN_REQUEST_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

// All headers, Content-Length included, go to writeHead and the body (a string) to end(): Node then sends
// status line, headers and body in one write.
function send(res: ServerResponse, response: EndpointResponse, headers: Record<string, string>, requestId: string) {
  res.writeHead(response.status, {
    ...response.headers,
    ...headers,
    'Request-Id': requestId,
    'Content-Length': Buffer.byteLength(response.body),
  });
  res.end(response.body);
}

/**
 * Serves an OAuth endpoint (one of OAUTH_ENDPOINTS) straight from Node's HTTP server. Next.js's router
 * tops out near 1,300 requests/s on our 2-core machines; this path does the same
 * work as the route handlers under app/api/oauth/ without it (see docs/benchmarks.md).
 */
export async function serveOAuthRequest(
  req: IncomingMessage,
  res: ServerResponse,
  handle: OAuthEndpointHandler,
  /** Added to every answer (server/instance.ts: the API security headers). */
  headers: Record<string, string> = {},
): Promise<void> {
  // Every answer carries one (RFC 6749 bodies are left exactly as they are): what a customer quotes to find it.
  const requestId = newRequestId();
  if (req.method !== 'POST') {
    send(res, oauthErrorResponse(new OAuthError('method_not_allowed', 'Use POST.')), headers, requestId);
    return;
  }
  try {
    const body = await readBody(req);
    send(
      res,
      await handle({
        contentType: req.headers['content-type'] ?? null,
        authorization: req.headers.authorization ?? null,
        body,
        userAgent: req.headers['user-agent'] ?? null,
        address: clientAddress(req) ?? 'unknown',
        requestId,
      }),
      headers,
      requestId,
    );
  } catch {
    if (!res.headersSent)
      send(
        res,
        oauthErrorResponse(new OAuthError('invalid_request', 'The request could not be read.')),
        headers,
        requestId,
      );
  }
}
