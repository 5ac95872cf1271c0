import { OAuthError, jsonResponse, oauthErrorResponse, type EndpointResponse } from '@/lib/oauth/errors';
import { CLIENT_CREDENTIALS, parseTokenRequest, type RawTokenRequest } from '@/lib/oauth/token-request';
import { authenticateClient, grantedScopes } from '@/lib/oauth/client-authentication';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { issueAccessToken } from '@/lib/oauth/access-token';
import { ACCESS_TOKEN_TTL_SECONDS, tokenSettings } from '@/lib/oauth/settings';

const settings = tokenSettings();

export type TokenEndpointRequest = RawTokenRequest & { address: string; userAgent?: string | null };

/**
 * POST /api/oauth/token, transport-independent: the client-credentials grant (RFC 6749 §4.4) with a secret
 * or a client assertion (RFC 7523 §2.2), and token exchange for trusted workloads (RFC 8693).
 */
export async function handleTokenRequest(raw: TokenEndpointRequest): Promise<EndpointResponse> {
  const startedAt = Date.now();
  const caller = { address: raw.address, userAgent: (raw.userAgent ?? '').slice(0, 256) };
  try {
    const request = parseTokenRequest(raw);
    if (request.grantType !== CLIENT_CREDENTIALS) {
      throw new OAuthError('unsupported_grant_type', 'Token exchange is not available yet.');
    }
    const client = await authenticateClient(request.client, caller);
    const scopes = grantedScopes(request.scopes, client.scopes);

    const keys = await getSigningKeys();
    const { token, claims } = await issueAccessToken({
      key: keys.current,
      issuer: settings.issuer,
      audience: settings.audience,
      clientId: client.clientId,
      secretId: client.credentialId,
      scopes,
    });
    usageRecorder.record(client.credentialId, caller.address, caller.userAgent);
    return jsonResponse(200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      scope: claims.scope,
      jti: claims.jti,
    });
  } catch (error) {
    return oauthErrorResponse(error, startedAt);
  }
}
