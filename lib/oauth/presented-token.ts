import { OAuthError } from '@/lib/oauth/errors';
import {
  parseClientAuthentication,
  readForm,
  type ClientAuthentication,
  type RawTokenRequest,
} from '@/lib/oauth/token-request';

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
export function parsePresentedTokenRequest(raw: RawTokenRequest): PresentedTokenRequest {
  const params = readForm(raw);
  const client = parseClientAuthentication(params, raw.authorization);
  const token = params.get('token');
  if (!token) throw new OAuthError('invalid_request', 'The parameter token is missing.');
  return { client, token };
}
