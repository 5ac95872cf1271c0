import { OAuthError, emptyResponse, type EndpointResponse } from '@/lib/oauth/errors';
import type { AuthenticatedClient, CallerContext } from '@/lib/oauth/client-authentication';
import { answerPresentedToken } from '@/lib/oauth/presented-token';
import { readAccessToken } from '@/lib/oauth/verify-access-token';
import type { TokenEndpointRequest } from '@/lib/oauth/token-request';
import { revokeAccessToken } from '@/lib/data/revoked-access-tokens';
import { REVOCATIONS_PER_CLIENT_PER_MINUTE, recordRevocation } from '@/lib/oauth/failure-limiter';

/** RFC 7009 §2.2: success is a 200 with nothing in it. */
const REVOKED = emptyResponse(200);

async function revoke(token: string, client: AuthenticatedClient, caller: CallerContext): Promise<EndpointResponse> {
  // RFC 7009 §2.2: a token that is not ours, malformed or already expired needs no revoking: 200, nothing done.
  const claims = await readAccessToken(token);
  if (!claims) return REVOKED;
  if (claims.client_id !== client.clientId) {
    throw new OAuthError('unauthorized_client', 'The token was not issued to this client.', {
      clientId: client.clientId,
      credentialId: client.credentialId,
    });
  }
  const wait = await recordRevocation(client.clientId);
  if (wait !== null) {
    throw new OAuthError(
      'too_many_revocations',
      `This client revoked more than ${REVOCATIONS_PER_CLIENT_PER_MINUTE} tokens in a minute. The token still works; retry later.`,
      { retryAfterSeconds: wait, clientId: client.clientId, credentialId: client.credentialId },
    );
  }
  await revokeAccessToken({
    jti: claims.jti,
    clientId: claims.client_id,
    credentialId: claims.secret_id,
    expiresAt: new Date(claims.exp * 1000),
    revokedWith: client.credentialId,
    context: caller,
  });
  return REVOKED;
}

/**
 * POST /api/oauth/revoke, transport-independent: token revocation (RFC 7009) for access tokens, by the client
 * they were issued to. The answer comes once every live instance refuses the token.
 */
export function handleRevocationRequest(raw: TokenEndpointRequest): Promise<EndpointResponse> {
  return answerPresentedToken('revocation', raw, revoke);
}
