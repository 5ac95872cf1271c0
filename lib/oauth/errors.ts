import { RETRY_AFTER_SECONDS, failedForDatabase } from '@/lib/db/availability';
import type { RefusalReason } from '@/lib/request-log/reasons';

/**
 * Every failure the token endpoint answers: its RFC 6749 §5.2 `error`, HTTP status and fixed headers. The
 * mapper below and the OpenAPI document are both generated from this one table.
 */
export const TOKEN_ERRORS = {
  invalid_request: {
    error: 'invalid_request',
    status: 400,
    summary: 'wrong content type, body too large, repeated or missing parameters, two authentication methods',
  },
  unsupported_grant_type: {
    error: 'unsupported_grant_type',
    status: 400,
    summary: 'a grant other than client_credentials and token exchange',
  },
  // A subject token that is not valid, or that no trusted workload of the client accepts. RFC 8693 §2.2.2 names
  // invalid_request for it; we answer invalid_grant, as RFC 7523 §3.1 does for a bad JWT grant and as the
  // cloud providers' token exchanges do, so that a client can tell "your token was refused" from "your request
  // is malformed" (deliberate, and stated in docs/oauth.md and OpenAPI).
  invalid_grant: {
    error: 'invalid_grant',
    status: 400,
    summary:
      'a workload token that is invalid, expired, from an unreachable issuer, or trusted by no workload (invalid_grant on purpose, where RFC 8693 §2.2.2 names invalid_request)',
  },
  // RFC 8693 §2.2.2: a token exchange asking for a token for another audience or resource.
  invalid_target: {
    error: 'invalid_target',
    status: 400,
    summary: 'a token exchange whose audience or resource is not the API base URL',
  },
  invalid_scope: {
    error: 'invalid_scope',
    status: 400,
    summary: 'a scope that is not offered, or that the credential does not allow',
  },
  // Revocation only: RFC 7009 §2.1 has the server refuse a token that was issued to another client. A 200 would
  // tell that client it is rid of a token that in fact still works; and the caller, holding the token, learns
  // nothing it could not learn from the API it was issued for.
  unauthorized_client: {
    error: 'unauthorized_client',
    status: 400,
    summary: 'a token that was issued to another client (revocation)',
  },
  // RFC 7235: every 401 names the scheme to authenticate with.
  invalid_client: {
    error: 'invalid_client',
    status: 401,
    summary:
      'unknown client, or a wrong, disabled, deleted, expired, rolled-out or address-restricted secret or key, or an invalid or replayed client assertion',
    headers: { 'WWW-Authenticate': 'Basic realm="token"' },
  },
  // Too many failed authentications: still invalid_client (RFC 6749 has no code for it), with 429 and Retry-After.
  too_many_failures: {
    error: 'invalid_client',
    status: 429,
    summary: 'too many failed client authentications; wait Retry-After seconds',
    headers: { 'WWW-Authenticate': 'Basic realm="token"' },
    retryAfter: true,
  },
  method_not_allowed: {
    error: 'invalid_request',
    status: 405,
    summary: 'a method other than POST',
    headers: { Allow: 'POST' },
  },
  temporarily_unavailable: {
    error: 'temporarily_unavailable',
    status: 503,
    summary: 'the database cannot be reached; retry after Retry-After seconds',
    retryAfter: true,
  },
  // RFC 7009 §2.2.1: a 503 tells the client the token still exists and to retry later. One client revoking
  // tokens by the hundred thousand would otherwise fill every instance's revoked set for every organization.
  too_many_revocations: {
    error: 'temporarily_unavailable',
    status: 503,
    summary:
      'more revocations by this client than its per-minute allowance; the token still exists, retry after Retry-After seconds',
    retryAfter: true,
  },
  server_error: { error: 'server_error', status: 500, summary: 'an unexpected error' },
} as const satisfies Record<
  string,
  { error: string; status: number; summary: string; headers?: Record<string, string>; retryAfter?: boolean }
>;

export type TokenErrorKind = keyof typeof TOKEN_ERRORS;

/** The failures the revocation (RFC 7009) and introspection (RFC 7662) endpoints answer with. */
const CLIENT_ENDPOINT_ERRORS = [
  'invalid_request',
  'invalid_client',
  'too_many_failures',
  'method_not_allowed',
  'temporarily_unavailable',
  'server_error',
] as const satisfies readonly TokenErrorKind[];

/** Which entries of TOKEN_ERRORS each endpoint answers with (and documents); the token endpoint all but one. */
export const ENDPOINT_ERRORS = {
  token: (Object.keys(TOKEN_ERRORS) as TokenErrorKind[]).filter(
    (kind) => kind !== 'unauthorized_client' && kind !== 'too_many_revocations',
  ),
  revocation: [...CLIENT_ENDPOINT_ERRORS, 'unauthorized_client', 'too_many_revocations'],
  introspection: CLIENT_ENDPOINT_ERRORS,
} satisfies Record<string, readonly TokenErrorKind[]>;

export type OAuthEndpoint = keyof typeof ENDPOINT_ERRORS;

/** The failures a request can be refused with by the endpoint's own checks (the rest come from the mapper). */
export type OAuthErrorKind = Exclude<TokenErrorKind, 'temporarily_unavailable' | 'server_error'>;

/**
 * Why a request was refused, for the request log only (never the answer): the reason, and the client and
 * credential it concerns where the endpoint knows them.
 */
export interface Refusal {
  reason: RefusalReason;
  clientId?: string;
  credentialId?: string;
  /** scope_not_allowed: the scopes asked for that the credential does not allow. */
  scopes?: readonly string[];
}

/** The reason a refusal of this kind has when the code that refused named none. */
const DEFAULT_REASONS: Record<TokenErrorKind, RefusalReason> = {
  invalid_request: 'malformed_request',
  method_not_allowed: 'malformed_request',
  invalid_target: 'malformed_request',
  unsupported_grant_type: 'unsupported_grant_type',
  invalid_grant: 'subject_token_invalid',
  invalid_scope: 'scope_not_allowed',
  unauthorized_client: 'token_of_another_client',
  invalid_client: 'secret_not_matched',
  too_many_failures: 'rate_limited',
  too_many_revocations: 'rate_limited',
  temporarily_unavailable: 'unavailable',
  server_error: 'server_error',
};

export class OAuthError extends Error {
  /** With `too_many_failures` and `too_many_revocations`: how long the caller must wait. */
  readonly retryAfterSeconds?: number;
  readonly refusal: Refusal;

  constructor(
    readonly kind: OAuthErrorKind,
    readonly description: string,
    { retryAfterSeconds, ...refusal }: Partial<Refusal> & { retryAfterSeconds?: number } = {},
  ) {
    super(description);
    this.retryAfterSeconds = retryAfterSeconds;
    this.refusal = { ...refusal, reason: refusal.reason ?? DEFAULT_REASONS[kind] };
  }

  /** The RFC 6749 `error` sent on the wire. */
  get code(): string {
    return TOKEN_ERRORS[this.kind].error;
  }

  get status(): number {
    return TOKEN_ERRORS[this.kind].status;
  }
}

export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const NO_STORE_EMPTY = { 'Cache-Control': 'no-store', Pragma: 'no-cache', 'X-Content-Type-Options': 'nosniff' };
const NO_STORE = { 'Content-Type': 'application/json', ...NO_STORE_EMPTY };

/** An answer with no body (RFC 7009's successful revocation), never cached or sniffed like every other. */
export function emptyResponse(status: number): EndpointResponse {
  return { status, headers: NO_STORE_EMPTY, body: '' };
}

/** A JSON answer; without extra headers it shares NO_STORE (transports copy headers, never change them). */
export function jsonResponse(status: number, payload: unknown, headers?: Record<string, string>): EndpointResponse {
  return { status, headers: headers ? { ...NO_STORE, ...headers } : NO_STORE, body: JSON.stringify(payload) };
}

function tokenErrorResponse(
  kind: TokenErrorKind,
  description: string,
  retryAfterSeconds = RETRY_AFTER_SECONDS,
): EndpointResponse {
  const entry: { error: string; status: number; headers?: Record<string, string>; retryAfter?: boolean } =
    TOKEN_ERRORS[kind];
  return jsonResponse(
    entry.status,
    { error: entry.error, error_description: description },
    { ...entry.headers, ...(entry.retryAfter ? { 'Retry-After': String(retryAfterSeconds) } : {}) },
  );
}

/**
 * The answer while the database cannot be reached: RFC 6749's temporarily_unavailable with a 503 and
 * Retry-After, so that a client retries instead of taking its credentials for wrong.
 */
export function temporarilyUnavailableResponse(): EndpointResponse {
  return tokenErrorResponse(
    'temporarily_unavailable',
    'The authorization server is temporarily unavailable. Try again shortly.',
  );
}

/** Why the request that failed with `error` was refused, answered `status`, and its `error` code: for the request log. */
export function refusalOf(error: unknown, status: number): Refusal & { error: string } {
  if (error instanceof OAuthError) return { ...error.refusal, error: error.code };
  return status === 503
    ? { reason: 'unavailable', error: 'temporarily_unavailable' }
    : { reason: 'server_error', error: 'server_error' };
}

/**
 * Every failure of the token endpoint leaves through here, in the RFC 6749 shape and never with a stack trace.
 * `startedAt` is when the request began: a database failure seen since then makes the answer a 503.
 */
export function oauthErrorResponse(error: unknown, startedAt = Date.now()): EndpointResponse {
  if (error instanceof OAuthError) return tokenErrorResponse(error.kind, error.description, error.retryAfterSeconds);
  if (failedForDatabase(error, startedAt)) return temporarilyUnavailableResponse();
  console.error('token endpoint: unexpected error', error instanceof Error ? error.name : typeof error);
  return tokenErrorResponse('server_error', 'The server could not handle the request.');
}

/**
 * For the OpenAPI document: the `error` codes an endpoint answers with each status, and whether it carries
 * Retry-After.
 */
export function tokenErrorsByStatus(
  endpoint: OAuthEndpoint = 'token',
): Record<string, { errors: string[]; summaries: string[]; retryAfter: boolean }> {
  const byStatus: Record<string, { errors: string[]; summaries: string[]; retryAfter: boolean }> = {};
  for (const entry of ENDPOINT_ERRORS[endpoint].map((kind) => TOKEN_ERRORS[kind]) as {
    error: string;
    status: number;
    summary: string;
    retryAfter?: boolean;
  }[]) {
    const row = (byStatus[String(entry.status)] ??= { errors: [], summaries: [], retryAfter: false });
    if (!row.errors.includes(entry.error)) row.errors.push(entry.error);
    row.summaries.push(entry.summary);
    row.retryAfter ||= entry.retryAfter === true;
  }
  return byStatus;
}

/** Every `error` code the token, revocation and introspection endpoints can answer. */
export function tokenErrorCodes(): string[] {
  return [...new Set(Object.values(TOKEN_ERRORS).map((entry) => entry.error))];
}
