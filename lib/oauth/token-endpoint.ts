import { jsonResponse, type EndpointResponse } from '@/lib/oauth/errors';
import { answerAndRecord } from '@/lib/oauth/recorded-answer';
import {
  ACCESS_TOKEN_TYPE,
  TOKEN_EXCHANGE,
  parseTokenRequest,
  type TokenEndpointRequest,
} from '@/lib/oauth/token-request';
import { authenticateClient, grantedScopes } from '@/lib/oauth/client-authentication';
import { verifyWorkload } from '@/lib/oauth/token-exchange';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { issueAccessToken } from '@/lib/oauth/access-token';
import { ACCESS_TOKEN_TTL_SECONDS, tokenSettings } from '@/lib/oauth/settings';

const settings = tokenSettings();

/** What a grant earned: a token for this client, obtained with this credential, for this subject (default: the client). */
interface Grant {
  clientId: string;
  credentialId: string;
  subject?: string;
  scopes: string[];
}

/**
 * POST /api/oauth/token, transport-independent: the client-credentials grant (RFC 6749 §4.4) with a secret
 * or a client assertion (RFC 7523 §2.2), and token exchange for trusted workloads (RFC 8693).
 */
export function handleTokenRequest(raw: TokenEndpointRequest): Promise<EndpointResponse> {
  return answerAndRecord('token', raw, async (caller) => {
    const request = parseTokenRequest(raw);
    const exchange = request.grantType === TOKEN_EXCHANGE;
    let grant: Grant;
    if (exchange) grant = await verifyWorkload(request, caller);
    else {
      const client = await authenticateClient(request.client, caller);
      const scopes = grantedScopes(request.scopes, client);
      grant = { clientId: client.clientId, credentialId: client.credentialId, scopes };
    }
    const keys = await getSigningKeys();
    const { token, claims } = await issueAccessToken({
      key: keys.current,
      issuer: settings.issuer,
      audience: settings.audience,
      clientId: grant.clientId,
      subject: grant.subject,
      credentialId: grant.credentialId,
      scopes: grant.scopes,
    });
    usageRecorder.record(grant.credentialId, caller.address, caller.userAgent);
    const response = jsonResponse(200, {
      access_token: token,
      // RFC 8693 §2.2.1: a token exchange's answer also names the type of the issued token (JSON.stringify
      // leaves the member out for the client-credentials grant). token_type is case-insensitive (RFC 6749
      // §5.1) and spelled alike for both grants.
      issued_token_type: exchange ? ACCESS_TOKEN_TYPE : undefined,
      token_type: 'bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      scope: claims.scope,
      jti: claims.jti,
    });
    return { response, clientId: grant.clientId, credentialId: grant.credentialId };
  });
}
