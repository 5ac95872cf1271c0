import { jsonResponse, type EndpointResponse } from '@/lib/oauth/errors';
import type { AuthenticatedClient } from '@/lib/oauth/client-authentication';
import { answerPresentedToken } from '@/lib/oauth/presented-token';
import { isRevoked, readAccessToken } from '@/lib/oauth/verify-access-token';
import type { TokenEndpointRequest } from '@/lib/oauth/token-request';

async function introspect(token: string, client: AuthenticatedClient): Promise<EndpointResponse> {
  const claims = await readAccessToken(token);
  if (!claims || claims.client_id !== client.clientId || (await isRevoked(claims))) {
    return jsonResponse(200, { active: false });
  }
  return jsonResponse(200, {
    active: true,
    scope: claims.scope,
    client_id: claims.client_id,
    sub: claims.sub,
    aud: claims.aud,
    iss: claims.iss,
    exp: claims.exp,
    iat: claims.iat,
    jti: claims.jti,
    token_type: 'Bearer',
    // The id of the caller's own credential that obtained the token: in the token's payload already.
    secret_id: claims.secret_id,
  });
}

/**
 * POST /api/oauth/introspect, transport-independent: token introspection (RFC 7662) for the client a token
 * was issued to. A token is active exactly when /api/v1/me would accept it; anything else (unknown,
 * malformed, expired, revoked on its own or with its credential, another client's) is `{"active": false}`
 * and nothing more, so that the answer tells a caller nothing about tokens that are not its own.
 */
export function handleIntrospectionRequest(raw: TokenEndpointRequest): Promise<EndpointResponse> {
  return answerPresentedToken('introspection', raw, introspect);
}
