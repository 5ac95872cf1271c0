import { jsonResponse, oauthErrorResponse, type EndpointResponse } from '@/lib/oauth/errors';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE, parseTokenRequest, type RawTokenRequest } from '@/lib/oauth/token-request';
import { authenticateClient, callerOf, grantedScopes } from '@/lib/oauth/client-authentication';
import { verifyWorkload } from '@/lib/oauth/token-exchange';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { issueAccessToken } from '@/lib/oauth/access-token';
import { ACCESS_TOKEN_TTL_SECONDS, tokenSettings } from '@/lib/oauth/settings';

const settings = tokenSettings();

export type TokenEndpointRequest = RawTokenRequest & { address: string; userAgent?: string | null };

async function issue(grant: { clientId: string; credentialId: string; subject?: string; scopes: string[] }) {
  const keys = await getSigningKeys();
  return issueAccessToken({
    key: keys.current,
    issuer: settings.issuer,
    audience: settings.audience,
    clientId: grant.clientId,
    subject: grant.subject,
    secretId: grant.credentialId,
    scopes: grant.scopes,
  });
}

/**
 * POST /api/oauth/token, transport-independent: the client-credentials grant (RFC 6749 §4.4) with a secret
 * or a client assertion (RFC 7523 §2.2), and token exchange for trusted workloads (RFC 8693).
 */
export async function handleTokenRequest(raw: TokenEndpointRequest): Promise<EndpointResponse> {
  const startedAt = Date.now();
  const caller = callerOf(raw);
  try {
    const request = parseTokenRequest(raw);
    if (request.grantType === TOKEN_EXCHANGE) {
      const workload = await verifyWorkload(request, caller);
      const { token, claims } = await issue(workload);
      usageRecorder.record(workload.credentialId, caller.address, caller.userAgent);
      // RFC 8693 §2.2.1: the client-credentials answer plus the type of the issued token; token_type is
      // case-insensitive (RFC 6749 §5.1) and spelled as for every other token of this endpoint.
      return jsonResponse(200, {
        access_token: token,
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'bearer',
        expires_in: ACCESS_TOKEN_TTL_SECONDS,
        scope: claims.scope,
        jti: claims.jti,
      });
    }

    const client = await authenticateClient(request.client, caller);
    const scopes = grantedScopes(request.scopes, client.scopes);
    const { token, claims } = await issue({ clientId: client.clientId, credentialId: client.credentialId, scopes });
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
