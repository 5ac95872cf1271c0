import { OAuthError, type EndpointResponse } from '@/lib/oauth/errors';
import { answerAndRecord } from '@/lib/oauth/recorded-answer';
import {
  parseClientAuthentication,
  readForm,
  type ClientAuthentication,
  type RawTokenRequest,
} from '@/lib/oauth/token-request';
import { authenticateClient, type AuthenticatedClient, type CallerContext } from '@/lib/oauth/client-authentication';
import type { TokenEndpointRequest } from '@/lib/oauth/token-request';

/** A request that presents a token to the revocation or introspection endpoint. */
export interface PresentedTokenRequest {
  client: ClientAuthentication;
  token: string;
}

/**
 * Validates a revocation (RFC 7009 §2.1) or introspection (RFC 7662 §2.1) request's shape. `token_type_hint`
 * is not read: access tokens are the only tokens we issue (no refresh tokens), so whatever the hint says,
 * the search is the same one (RFC 7009 §2.1 lets the server ignore a hint and requires it to look past a
 * wrong one).
 */
function parsePresentedTokenRequest(raw: RawTokenRequest): PresentedTokenRequest {
  const params = readForm(raw);
  const client = parseClientAuthentication(params, raw.authorization);
  const token = params.get('token');
  if (!token) throw new OAuthError('invalid_request', 'The parameter token is missing.');
  return { client, token };
}

/**
 * What the revocation and introspection endpoints share: the request read, its client authenticated, then
 * `answer` for the presented token; failures and the request log as for every OAuth endpoint
 * (answerAndRecord).
 */
export function answerPresentedToken(
  endpoint: 'revocation' | 'introspection',
  raw: TokenEndpointRequest,
  answer: (token: string, client: AuthenticatedClient, caller: CallerContext) => Promise<EndpointResponse>,
): Promise<EndpointResponse> {
  return answerAndRecord(endpoint, raw, async (caller) => {
    const request = parsePresentedTokenRequest(raw);
    const client = await authenticateClient(request.client, caller);
    const response = await answer(request.token, client, caller);
    return { response, clientId: client.clientId, credentialId: client.credentialId };
  });
}
