import { OAuthError, jsonResponse, oauthErrorResponse, type EndpointResponse } from '@/lib/oauth/errors';
import { parseTokenRequest, type RawTokenRequest } from '@/lib/oauth/token-request';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { recordFailedAuthentication } from '@/lib/oauth/failure-limiter';
import { recordSecretUse } from '@/lib/oauth/last-used';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { issueAccessToken } from '@/lib/oauth/access-token';
import { ACCESS_TOKEN_TTL_SECONDS, tokenSettings } from '@/lib/oauth/settings';

const settings = tokenSettings();

/** POST /api/oauth/token — the client-credentials grant (RFC 6749 §4.4), transport-independent. */
export async function handleTokenRequest(raw: RawTokenRequest & { address: string }): Promise<EndpointResponse> {
  let clientId = '';
  let basic = false;
  try {
    const request = parseTokenRequest(raw);
    clientId = request.clientId;
    basic = request.authMethod === 'client_secret_basic';

    const verified = await secretVerifier.verify(request.clientId, request.clientSecret);
    if (!verified) {
      const retryAfter = await recordFailedAuthentication({ clientId, address: raw.address });
      if (retryAfter !== null) {
        return jsonResponse(
          429,
          { error: 'slow_down', error_description: 'Too many failed client authentications. Try again later.' },
          { 'Retry-After': String(retryAfter) },
        );
      }
      // Unknown client, wrong, disabled or deleted secret: one answer for all.
      throw new OAuthError('invalid_client', 'Client authentication failed.', basic ? { 'WWW-Authenticate': 'Basic realm="token"' } : {});
    }

    const keys = await getSigningKeys();
    const { token, claims } = issueAccessToken({
      key: keys.current,
      issuer: settings.issuer,
      audience: settings.audience,
      clientId: request.clientId,
      secretId: verified.secretId,
      scopes: request.scopes,
    });
    recordSecretUse(verified.secretId);
    return jsonResponse(200, {
      access_token: token,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      scope: claims.scope,
      jti: claims.jti,
    });
  } catch (error) {
    return oauthErrorResponse(error);
  }
}
