import { OAuthError, jsonResponse, oauthErrorResponse, type EndpointResponse } from '@/lib/oauth/errors';
import { parseTokenRequest, type RawTokenRequest } from '@/lib/oauth/token-request';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { recordFailedAuthentication } from '@/lib/oauth/failure-limiter';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { issueAccessToken } from '@/lib/oauth/access-token';
import { ACCESS_TOKEN_TTL_SECONDS, tokenSettings } from '@/lib/oauth/settings';

const settings = tokenSettings();

/** POST /api/oauth/token — the client-credentials grant (RFC 6749 §4.4), transport-independent. */
export async function handleTokenRequest(
  raw: RawTokenRequest & { address: string; userAgent?: string | null },
): Promise<EndpointResponse> {
  const startedAt = Date.now();
  const userAgent = (raw.userAgent ?? '').slice(0, 256);
  let clientId = '';
  try {
    const request = parseTokenRequest(raw);
    clientId = request.clientId;

    const verified = await secretVerifier.verify(request.clientId, request.clientSecret, raw.address);
    if (!verified.ok) {
      // A right secret from outside its allowlist: refused like any other, and shown to the admin.
      if (verified.reason === 'blocked_address' && verified.secretId)
        usageRecorder.recordBlocked(verified.secretId, raw.address, userAgent);
      // A decoy tripped: the caller sees an ordinary invalid_client, the admins an alarm.
      if (verified.reason === 'decoy' && verified.secretId)
        usageRecorder.recordDecoyUse(verified.secretId, raw.address, userAgent);
      const retryAfter = await recordFailedAuthentication({ clientId, address: raw.address });
      if (retryAfter !== null) {
        throw new OAuthError(
          'too_many_failures',
          'Too many failed client authentications. Try again later.',
          retryAfter,
        );
      }
      // Unknown client, wrong, disabled or deleted secret: one answer for all.
      throw new OAuthError('invalid_client', 'Client authentication failed.');
    }

    const keys = await getSigningKeys();
    const { token, claims } = await issueAccessToken({
      key: keys.current,
      issuer: settings.issuer,
      audience: settings.audience,
      clientId: request.clientId,
      secretId: verified.secretId,
      scopes: request.scopes,
    });
    usageRecorder.record(verified.secretId, raw.address, userAgent);
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
