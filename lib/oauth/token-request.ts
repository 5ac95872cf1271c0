import { SUPPORTED_SCOPES } from '@/lib/oauth/settings';
import { OAuthError } from '@/lib/oauth/errors';

export interface RawTokenRequest {
  contentType: string | null;
  authorization: string | null;
  /** The body as text, or null when it was larger than MAX_TOKEN_REQUEST_BYTES. */
  body: string | null;
}

export interface TokenRequest {
  clientId: string;
  clientSecret: string;
  scopes: string[];
}

const MAX_PARAMETER_LENGTH = 512;

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: each part form-urlencoded, then base64). */
function parseBasic(header: string): { clientId: string; clientSecret: string } {
  const invalid = new OAuthError('invalid_client', 'Client authentication failed.');
  const encoded = header.slice(6).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw invalid;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw invalid;
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw invalid;
  }
}

/**
 * Validates a token request's shape (RFC 6749 §4.4.2, §2.3.1 and §3.3) without
 * touching the database; credentials are checked afterwards.
 */
export function parseTokenRequest(raw: RawTokenRequest): TokenRequest {
  const mediaType = raw.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
  }
  if (raw.body === null) throw new OAuthError('invalid_request', 'The request body is too large.');

  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(raw.body)) {
    if (params.has(name)) throw new OAuthError('invalid_request', `The parameter ${name} is repeated.`);
    if (value.length > MAX_PARAMETER_LENGTH)
      throw new OAuthError('invalid_request', `The parameter ${name} is too long.`);
    // An empty parameter counts as omitted (RFC 6749 §3.1).
    if (value !== '') params.set(name, value);
  }

  const grantType = params.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 'The parameter grant_type is missing.');
  if (grantType !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Only the client_credentials grant is supported.');
  }

  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  let credentials: Omit<TokenRequest, 'scopes'>;
  if (raw.authorization && /^basic /i.test(raw.authorization)) {
    if (bodySecret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'Use one client authentication method, not both Basic and client_secret.',
      );
    }
    const basic = parseBasic(raw.authorization);
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      throw new OAuthError('invalid_request', 'client_id differs from the one in the Authorization header.');
    }
    credentials = basic;
  } else {
    if (!bodyId || !bodySecret) {
      throw new OAuthError('invalid_client', 'Client authentication failed.');
    }
    credentials = { clientId: bodyId, clientSecret: bodySecret };
  }

  const requested = params.get('scope');
  let scopes: string[] = [...SUPPORTED_SCOPES];
  if (requested !== undefined) {
    scopes = [...new Set(requested.split(' ').filter(Boolean))];
    const unknown = scopes.filter((scope) => !(SUPPORTED_SCOPES as readonly string[]).includes(scope));
    if (scopes.length === 0 || unknown.length > 0) {
      throw new OAuthError('invalid_scope', `Supported scopes: ${SUPPORTED_SCOPES.join(', ')}.`);
    }
  }
  return { ...credentials, scopes };
}
