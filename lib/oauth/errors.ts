import { RETRY_AFTER_SECONDS, failedForDatabase } from '@/lib/db/availability';

/** The error codes of RFC 6749 §5.2, with the HTTP status each is sent with. */
const STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  unauthorized_client: 400,
  invalid_grant: 400,
} as const;

export type OAuthErrorCode = keyof typeof STATUS;

export class OAuthError extends Error {
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    readonly extraHeaders: Record<string, string> = {},
  ) {
    super(description);
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export interface EndpointResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const NO_STORE = {
  'Content-Type': 'application/json',
  'Cache-Control': 'no-store',
  Pragma: 'no-cache',
  'X-Content-Type-Options': 'nosniff',
};

export function jsonResponse(status: number, payload: unknown, headers: Record<string, string> = {}): EndpointResponse {
  return { status, headers: { ...NO_STORE, ...headers }, body: JSON.stringify(payload) };
}

/**
 * The answer while the database cannot be reached: RFC 6749's temporarily_unavailable with a 503 and
 * Retry-After, so that a client retries instead of taking its credentials for wrong.
 */
export function temporarilyUnavailableResponse(): EndpointResponse {
  return jsonResponse(
    503,
    { error: 'temporarily_unavailable', error_description: 'The authorization server is temporarily unavailable. Try again shortly.' },
    { 'Retry-After': String(RETRY_AFTER_SECONDS) },
  );
}

/**
 * Every failure of the token endpoint leaves through here, in the RFC 6749 shape and never with a stack trace.
 * `startedAt` is when the request began: a database failure seen since then makes the answer a 503.
 */
export function oauthErrorResponse(error: unknown, startedAt = Date.now()): EndpointResponse {
  if (error instanceof OAuthError) {
    // RFC 7235: every 401 names the scheme to authenticate with.
    const challenge: Record<string, string> = error.status === 401 ? { 'WWW-Authenticate': 'Basic realm="token"' } : {};
    return jsonResponse(error.status, { error: error.code, error_description: error.description }, { ...challenge, ...error.extraHeaders });
  }
  if (failedForDatabase(error, startedAt)) return temporarilyUnavailableResponse();
  console.error('token endpoint: unexpected error', error instanceof Error ? error.name : typeof error);
  return jsonResponse(500, { error: 'server_error', error_description: 'The server could not handle the request.' });
}
