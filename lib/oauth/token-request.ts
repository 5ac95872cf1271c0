import { SUPPORTED_SCOPES, tokenSettings } from '@/lib/oauth/settings';
import { OAuthError, type EndpointResponse } from '@/lib/oauth/errors';
import { decodeUnverified } from '@/lib/oauth/unverified-jwt';

export interface RawTokenRequest {
  contentType: string | null;
  authorization: string | null;
  /** The body as text, or null when it was larger than MAX_TOKEN_REQUEST_BYTES. */
  body: string | null;
}

/**
 * A request to one of the OAuth endpoints (token, revocation, introspection), from whichever transport, with
 * the Request-Id the transport answers it with (made by the handler when a test calls it without one).
 */
export type TokenEndpointRequest = RawTokenRequest & { address: string; userAgent?: string | null; requestId?: string };

/** What answers one of the OAuth endpoints, independent of the transport (Next.js route or the fast path). */
export type OAuthEndpointHandler = (request: TokenEndpointRequest) => Promise<EndpointResponse>;

const CLIENT_CREDENTIALS = 'client_credentials';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** How the client proved who it is (RFC 6749 §2.3, RFC 7523 §2.2), or `none` for a public client's request. */
export type ClientAuthentication =
  | { method: 'client_secret_basic' | 'client_secret_post'; clientId: string; clientSecret: string }
  /** `clientId` is the client_id parameter when sent; the assertion's iss and sub must name the same client. */
  | { method: 'private_key_jwt'; clientId: string | null; assertion: string }
  | { method: 'none'; clientId: string | null };

export type TokenRequest =
  | {
      grantType: typeof CLIENT_CREDENTIALS;
      client: Exclude<ClientAuthentication, { method: 'none' }>;
      /** The scopes asked for, or null when `scope` was not sent (then the credential's scopes). */
      scopes: string[] | null;
    }
  | {
      grantType: typeof TOKEN_EXCHANGE;
      client: ClientAuthentication;
      subjectToken: string;
      subjectTokenType: string;
      scopes: string[] | null;
    };

const MAX_PARAMETER_LENGTH = 512;
/** JWTs (a client assertion, a workload's token) are longer than any other parameter. */
const MAX_JWT_LENGTH = 8192;
const LONG_PARAMETERS = new Set(['client_assertion', 'subject_token', 'actor_token', 'token']);

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/**
 * Client authentication that cannot be read (a malformed Basic header, client_secret without client_id, none
 * at all). Made only when thrown: an Error captures a stack trace, which a well-formed request must not pay for.
 */
function clientAuthenticationFailed(): OAuthError {
  return new OAuthError('invalid_client', 'Client authentication failed.', { reason: 'malformed_request' });
}

/** Client credentials from `Authorization: Basic` (RFC 6749 §2.3.1: each part form-urlencoded, then base64). */
function parseBasic(header: string): { clientId: string; clientSecret: string } {
  const encoded = header.slice(6).trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw clientAuthenticationFailed();
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw clientAuthenticationFailed();
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw clientAuthenticationFailed();
  }
}

/**
 * The parameters of an application/x-www-form-urlencoded body (RFC 6749 §3.2): each at most once, each of
 * bounded length; an empty parameter counts as omitted (§3.1). Shared by the token, revocation and
 * introspection endpoints.
 */
export function readForm(raw: RawTokenRequest): Map<string, string> {
  const mediaType = raw.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    throw new OAuthError('invalid_request', 'The body must be application/x-www-form-urlencoded.');
  }
  if (raw.body === null) throw new OAuthError('invalid_request', 'The request body is too large.');

  const params = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(raw.body)) {
    if (params.has(name)) throw new OAuthError('invalid_request', `The parameter ${name} is repeated.`);
    if (value.length > (LONG_PARAMETERS.has(name) ? MAX_JWT_LENGTH : MAX_PARAMETER_LENGTH))
      throw new OAuthError('invalid_request', `The parameter ${name} is too long.`);
    if (value !== '') params.set(name, value);
  }
  return params;
}

/**
 * The Client ID a refused request named, as far as it can be read (Basic, client_id, or a client assertion's
 * unverified iss): whom the request log attributes the refusal to when the refusal came before any client
 * was looked up. Only for that: nothing here is authenticated.
 */
export function claimedClientId(raw: RawTokenRequest): string | null {
  try {
    const fits = (value: string | undefined | null) => (value && value.length <= MAX_PARAMETER_LENGTH ? value : null);
    if (raw.authorization && /^basic /i.test(raw.authorization)) return fits(parseBasic(raw.authorization).clientId);
    const params = new URLSearchParams(raw.body ?? '');
    const clientId = params.get('client_id');
    if (clientId) return fits(clientId);
    const assertion = params.get('client_assertion');
    const iss = assertion ? decodeUnverified(assertion)?.claims.iss : undefined;
    return typeof iss === 'string' ? fits(iss) : null;
  } catch {
    return null;
  }
}

/**
 * Which client authentication the request uses: exactly one of Basic, client_secret in the body, or a
 * client assertion; `none` (client_id alone) only where the caller allows a public client.
 */
export function parseClientAuthentication(
  params: Map<string, string>,
  authorization: string | null,
): ClientAuthentication {
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  const assertionType = params.get('client_assertion_type');
  const assertion = params.get('client_assertion');
  const basic = authorization !== null && /^basic /i.test(authorization);
  const methods = Number(basic) + Number(bodySecret !== undefined) + Number(assertion !== undefined);
  if (methods > 1) {
    throw new OAuthError(
      'invalid_request',
      'Use one client authentication method: Basic, client_secret or client_assertion, not several.',
    );
  }

  if (basic) {
    const credentials = parseBasic(authorization);
    if (bodyId !== undefined && bodyId !== credentials.clientId) {
      throw new OAuthError('invalid_request', 'client_id differs from the one in the Authorization header.');
    }
    return { method: 'client_secret_basic', ...credentials };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== JWT_BEARER_ASSERTION) {
      throw new OAuthError('invalid_request', `client_assertion_type must be ${JWT_BEARER_ASSERTION}.`);
    }
    if (assertion === undefined) throw new OAuthError('invalid_request', 'The parameter client_assertion is missing.');
    return { method: 'private_key_jwt', clientId: bodyId ?? null, assertion };
  }
  if (bodySecret !== undefined) {
    if (!bodyId) throw clientAuthenticationFailed();
    return { method: 'client_secret_post', clientId: bodyId, clientSecret: bodySecret };
  }
  return { method: 'none', clientId: bodyId ?? null };
}

/** The `scope` parameter (RFC 6749 §3.3): null when absent, else known scopes only, each once. */
function parseScopes(params: Map<string, string>): string[] | null {
  const requested = params.get('scope');
  if (requested === undefined) return null;
  const scopes = [...new Set(requested.split(' ').filter(Boolean))];
  const unknown = scopes.filter((scope) => !(SUPPORTED_SCOPES as readonly string[]).includes(scope));
  if (scopes.length === 0 || unknown.length > 0) {
    throw new OAuthError('invalid_scope', `Supported scopes: ${SUPPORTED_SCOPES.join(', ')}.`);
  }
  return scopes;
}

/**
 * What a token exchange (RFC 8693 §2.1) may ask for here: a workload's JWT for an access token to the API,
 * for the workload itself. Impersonation and delegation (actor_token) are not offered; `audience` and
 * `resource` may only name the API base URL, which every access token is for anyway (RFC 8693 §2.2.2:
 * invalid_target for any other).
 */
function checkTokenExchangeParameters(params: Map<string, string>, subjectTokenType: string) {
  if (subjectTokenType !== JWT_TOKEN_TYPE) {
    throw new OAuthError(
      'invalid_request',
      `subject_token_type must be ${JWT_TOKEN_TYPE}: the subject_token is the JWT your platform issued to the workload.`,
    );
  }
  const requested = params.get('requested_token_type');
  if (requested !== undefined && requested !== ACCESS_TOKEN_TYPE) {
    throw new OAuthError('invalid_request', `requested_token_type must be ${ACCESS_TOKEN_TYPE}, or omitted.`);
  }
  if (params.has('actor_token') || params.has('actor_token_type')) {
    throw new OAuthError('invalid_request', 'Delegation is not supported: omit actor_token and actor_token_type.');
  }
  const { audience } = tokenSettings();
  for (const name of ['audience', 'resource']) {
    const target = params.get(name);
    if (target !== undefined && target !== audience) {
      throw new OAuthError(
        'invalid_target',
        `Access tokens from this server are for ${audience} only: omit ${name}, or send that URL.`,
      );
    }
  }
}

/**
 * Validates a token request's shape (RFC 6749 §4.4.2, §2.3.1 and §3.3; RFC 7523 §2.2; RFC 8693 §2.1) without
 * touching the database; credentials and tokens are checked afterwards.
 */
export function parseTokenRequest(raw: RawTokenRequest): TokenRequest {
  const params = readForm(raw);
  const grantType = params.get('grant_type');
  if (!grantType) throw new OAuthError('invalid_request', 'The parameter grant_type is missing.');

  if (grantType === CLIENT_CREDENTIALS) {
    const client = parseClientAuthentication(params, raw.authorization);
    // client_credentials needs an authenticated client (RFC 6749 §4.4.2).
    if (client.method === 'none') throw clientAuthenticationFailed();
    return { grantType, client, scopes: parseScopes(params) };
  }
  if (grantType === TOKEN_EXCHANGE) {
    const subjectToken = params.get('subject_token');
    const subjectTokenType = params.get('subject_token_type');
    if (!subjectToken) throw new OAuthError('invalid_request', 'The parameter subject_token is missing.');
    if (!subjectTokenType) throw new OAuthError('invalid_request', 'The parameter subject_token_type is missing.');
    checkTokenExchangeParameters(params, subjectTokenType);
    const client = parseClientAuthentication(params, raw.authorization);
    // A workload needs no secret, but must say which account trusts it.
    if (client.method === 'none' && client.clientId === null) {
      throw new OAuthError('invalid_request', 'The parameter client_id is missing: send the Client ID of the account.');
    }
    return { grantType, client, subjectToken, subjectTokenType, scopes: parseScopes(params) };
  }
  throw new OAuthError(
    'unsupported_grant_type',
    'Supported grants: client_credentials and urn:ietf:params:oauth:grant-type:token-exchange.',
  );
}
