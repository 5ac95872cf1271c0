import { jsonResponse, oauthErrorResponse, type EndpointResponse } from '@/lib/oauth/errors';
import { authenticateClient, callerOf } from '@/lib/oauth/client-authentication';
import { parsePresentedTokenRequest } from '@/lib/oauth/presented-token';
import { isRevoked, readAccessToken } from '@/lib/oauth/verify-access-token';
import type { TokenEndpointRequest } from '@/lib/oauth/token-endpoint';

/**
 * POST /api/oauth/introspect, transport-independent: token introspection (RFC 7662) for the client a token
 * was issued to. A token is active exactly when /api/v1/me would accept it; anything else (unknown,
 * malformed, expired, revoked on its own or with its credential, another client's) is `{"active": false}`
 * and nothing more, so that the answer tells a caller nothing about tokens that are not its own.
 */
export async function handleIntrospectionRequest(raw: TokenEndpointRequest): Promise<EndpointResponse> {
  const startedAt = Date.now();
  const caller = callerOf(raw);
  try {
    const request = parsePresentedTokenRequest(raw);
    const client = await authenticateClient(request.client, caller);
    const claims = await readAccessToken(request.token);
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
  } catch (error) {
    return oauthErrorResponse(error, startedAt);
  }
}
