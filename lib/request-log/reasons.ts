/**
 * Why the OAuth endpoints refused a request: one catalogue that the endpoints (which name the reason when
 * they refuse), the request log (which stores it), the portal (which says it in words) and docs/request-log.md
 * share. The public answer never carries the reason: it stays RFC 6749's `error`, which must not tell an
 * attacker which part of a request was wrong. Pure: no I/O.
 */

export const REFUSAL_REASONS = [
  'secret_not_matched',
  'credential_disabled',
  'credential_expired',
  'credential_rolled_out',
  'credential_deleted',
  'address_not_allowed',
  'scope_not_allowed',
  'decoy_used',
  'no_active_key',
  'assertion_invalid',
  'assertion_bad_signature',
  'assertion_expired',
  'assertion_replayed',
  'assertion_wrong_audience',
  'unknown_key_id',
  'jwks_unreachable',
  'subject_not_trusted',
  'subject_token_invalid',
  'issuer_unreachable',
  'token_of_another_client',
  'malformed_request',
  'unsupported_grant_type',
  'rate_limited',
  'unavailable',
  'server_error',
] as const;

export type RefusalReason = (typeof REFUSAL_REASONS)[number];

/** Every request is one of these. */
export const OUTCOMES = ['success', 'refused'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The OAuth endpoints whose requests are logged, as the log names them. */
export const LOGGED_ENDPOINTS = ['token', 'revocation', 'introspection'] as const;
export type LoggedEndpoint = (typeof LOGGED_ENDPOINTS)[number];

export function isRefusalReason(value: unknown): value is RefusalReason {
  return typeof value === 'string' && (REFUSAL_REASONS as readonly string[]).includes(value);
}

export interface ReasonEntry {
  /** The reason in a few words: the log's column and filter. */
  label: string;
  /** The RFC 6749 `error` the caller got. */
  error: string;
  /** What happened, without the portal's facts (docs, and the portal when it has none). */
  happened: string;
  /** What to do about it. */
  todo: string;
  /**
   * Whom the refusal is attributed to: a credential (the one the request presented or that checked it), or
   * only the client (nothing proved which credential was meant: a wrong secret is not a credential's).
   */
  attributedTo: 'credential' | 'client';
}

export const REASON_CATALOGUE: Record<RefusalReason, ReasonEntry> = {
  secret_not_matched: {
    label: 'Secret not matched',
    error: 'invalid_client',
    happened: 'No secret of this client matched the secret sent.',
    todo: 'Check that your integration sends a current secret of this Client ID, without spaces or quotes.',
    attributedTo: 'client',
  },
  credential_disabled: {
    label: 'Credential disabled',
    error: 'invalid_client',
    happened: 'The credential is disabled.',
    todo: 'Activate it, or use an active one.',
    attributedTo: 'credential',
  },
  credential_expired: {
    label: 'Credential expired',
    error: 'invalid_client',
    happened: 'The credential has expired.',
    todo: 'Use an active credential, or add a new one and move your integration to it.',
    attributedTo: 'credential',
  },
  credential_rolled_out: {
    label: 'Rolled out',
    error: 'invalid_client',
    happened: 'The secret was rolled and its grace period has ended.',
    todo: 'Use the secret that replaced it.',
    attributedTo: 'credential',
  },
  credential_deleted: {
    label: 'Credential deleted',
    error: 'invalid_client',
    happened: 'The credential was deleted.',
    todo: 'Use an active credential; a deleted one never works again.',
    attributedTo: 'credential',
  },
  address_not_allowed: {
    label: 'Address not allowed',
    error: 'invalid_client',
    happened: 'The request came from an address outside the credential’s allowed addresses.',
    todo: 'Call from an allowed address, or add this one to the credential’s allowed addresses.',
    attributedTo: 'credential',
  },
  scope_not_allowed: {
    label: 'Scope not allowed',
    error: 'invalid_scope',
    happened: 'A scope was requested that the credential does not allow.',
    todo: 'Edit the credential’s scopes, or request only the scopes it allows.',
    attributedTo: 'credential',
  },
  decoy_used: {
    label: 'Decoy used',
    error: 'invalid_client',
    happened: 'A decoy secret was used. Nobody should hold it.',
    todo: 'Find out where the decoy was planted and who reached it; the security alert has the details.',
    attributedTo: 'credential',
  },
  no_active_key: {
    label: 'No active public key',
    error: 'invalid_client',
    happened: 'A client assertion was sent, but this client has no active, unexpired public key.',
    todo: 'Activate the public key the assertion is signed with, or add it.',
    attributedTo: 'client',
  },
  assertion_invalid: {
    label: 'Assertion invalid',
    error: 'invalid_client',
    happened:
      'The client assertion is not a usable JWT: unreadable, an algorithm not offered, or iss, sub, exp, nbf, iat or jti missing or wrong.',
    todo: 'Sign a JWT with iss and sub set to your Client ID, a jti, and exp at most five minutes ahead.',
    attributedTo: 'client',
  },
  assertion_bad_signature: {
    label: 'Bad signature',
    error: 'invalid_client',
    happened: 'The client assertion’s signature does not verify with any active public key of this client.',
    todo: 'Sign with the private key of an active public key, with the algorithm registered for it.',
    attributedTo: 'client',
  },
  assertion_expired: {
    label: 'Assertion expired',
    error: 'invalid_client',
    happened: 'The client assertion had expired (exp) when it arrived.',
    todo: 'Make a new assertion for each request, and check your clock.',
    attributedTo: 'client',
  },
  assertion_replayed: {
    label: 'Assertion replayed',
    error: 'invalid_client',
    happened: 'The client assertion’s jti was used before: every assertion is good for one request.',
    todo: 'Make a new assertion, with a new jti, for each request.',
    attributedTo: 'credential',
  },
  assertion_wrong_audience: {
    label: 'Wrong audience',
    error: 'invalid_client',
    happened: 'The client assertion’s aud names neither the token endpoint nor the issuer.',
    todo: 'Set aud to the token endpoint’s URL.',
    attributedTo: 'client',
  },
  unknown_key_id: {
    label: 'Unknown key ID',
    error: 'invalid_client',
    happened: 'The client assertion names a key (kid and alg) that no active public key of this client has.',
    todo: 'Sign with an active key, and name its kid; publish a new key in your JWKS before using it.',
    attributedTo: 'client',
  },
  jwks_unreachable: {
    label: 'JWKS unreachable',
    error: 'invalid_client',
    happened: 'The credential’s JWKS URL could not be fetched or read, so the assertion could not be checked.',
    todo: 'Make the JWKS URL answer with a JSON key set over HTTPS from a public address.',
    attributedTo: 'credential',
  },
  subject_not_trusted: {
    label: 'Workload not trusted',
    error: 'invalid_grant',
    happened: 'No active trusted workload of this client accepts the subject token’s issuer, audience and subject.',
    todo: 'Add a trusted workload for this issuer, audience and subject, or activate it.',
    attributedTo: 'client',
  },
  subject_token_invalid: {
    label: 'Subject token invalid',
    error: 'invalid_grant',
    happened: 'The workload’s subject token is not valid: unreadable, expired, or its signature does not verify.',
    todo: 'Send a fresh token from your platform’s issuer, as it issued it.',
    attributedTo: 'client',
  },
  issuer_unreachable: {
    label: 'Issuer unreachable',
    error: 'invalid_grant',
    happened: 'The workload issuer’s discovery document or keys could not be fetched.',
    todo: 'Check that the issuer URL is right and publicly reachable over HTTPS.',
    attributedTo: 'client',
  },
  token_of_another_client: {
    label: 'Token of another client',
    error: 'unauthorized_client',
    happened: 'The token sent to be revoked was issued to another client.',
    todo: 'Revoke a token with the client it was issued to.',
    attributedTo: 'credential',
  },
  malformed_request: {
    label: 'Malformed request',
    error: 'invalid_request',
    happened:
      'The request is not a valid OAuth request: content type, a missing, repeated or too long parameter, no client authentication or two at once.',
    todo: 'Read the error_description of the answer; it says which part.',
    attributedTo: 'client',
  },
  unsupported_grant_type: {
    label: 'Unsupported grant',
    error: 'unsupported_grant_type',
    happened: 'The grant_type is neither client_credentials nor token exchange.',
    todo: 'Send grant_type=client_credentials.',
    attributedTo: 'client',
  },
  rate_limited: {
    label: 'Rate limited',
    error: 'invalid_client',
    happened: 'Too many failed authentications for this client or address, or too many revocations, in a minute.',
    todo: 'Wait Retry-After seconds; fix what the earlier refusals say before retrying.',
    attributedTo: 'client',
  },
  unavailable: {
    label: 'Temporarily unavailable',
    error: 'temporarily_unavailable',
    happened: 'Our database could not be reached; nothing was wrong with the request.',
    todo: 'Retry after Retry-After seconds.',
    attributedTo: 'client',
  },
  server_error: {
    label: 'Server error',
    error: 'server_error',
    happened: 'Something unexpected failed on our side; nothing was wrong with the request.',
    todo: 'Retry; if it keeps happening, contact support with the Request-Id.',
    attributedTo: 'client',
  },
};
