/**
 * The rules of a client assertion's claims (RFC 7523 §3, OpenID Connect Core §9), checked without its
 * signature or the database: pure, so that every rule has a unit test of its own.
 */

/** How far the client's clock may be off ours, both ways. */
export const CLOCK_SKEW_SECONDS = 30;
/** An assertion may be valid for at most this long from now: its jti is kept (and checked) until `exp`. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Longest jti accepted: it is stored until the assertion expires. */
const MAX_JTI_LENGTH = 256;
/** Longest Client ID read from an unverified `iss`, e.g. to count a failure against it. */
export const MAX_CLIENT_ID_LENGTH = 512;

export interface AssertionClaimRules {
  /** The Client ID the assertion must be issued by and about. */
  clientId: string;
  /** Values of which `aud` must contain one: the token endpoint URL and the issuer. */
  audiences: readonly string[];
  /** Epoch seconds. */
  now: number;
}

/** Which of the request log's reasons a failed check is (lib/request-log/reasons.ts). */
export type ClaimFailure = 'assertion_invalid' | 'assertion_expired' | 'assertion_wrong_audience';

export type ClaimCheck = { ok: true; jti: string; exp: number } | { ok: false; why: string; reason: ClaimFailure };

const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/**
 * Checks `iss` = `sub` = the client, `aud` (a string or an array of strings) naming us, `exp` present, not
 * past and at most five minutes ahead, `iat` and `nbf` not in the future, and a bounded `jti`; each
 * comparison with time allows CLOCK_SKEW_SECONDS. `why` is for logs and tests, never for the client.
 */
export function checkAssertionClaims(claims: Record<string, unknown>, rules: AssertionClaimRules): ClaimCheck {
  const { clientId, audiences, now } = rules;
  if (claims.iss !== clientId) return { ok: false, why: 'iss is not the client', reason: 'assertion_invalid' };
  if (claims.sub !== clientId) return { ok: false, why: 'sub is not the client', reason: 'assertion_invalid' };

  const aud = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!Array.isArray(aud) || !aud.some((value) => typeof value === 'string' && audiences.includes(value)))
    return {
      ok: false,
      why: 'aud names neither the token endpoint nor the issuer',
      reason: 'assertion_wrong_audience',
    };

  const { exp, iat, nbf, jti } = claims;
  if (!isNumber(exp)) return { ok: false, why: 'exp is missing', reason: 'assertion_invalid' };
  if (exp <= now - CLOCK_SKEW_SECONDS) return { ok: false, why: 'expired', reason: 'assertion_expired' };
  if (exp > now + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS)
    return { ok: false, why: 'exp is more than five minutes ahead', reason: 'assertion_invalid' };
  if (iat !== undefined && (!isNumber(iat) || iat > now + CLOCK_SKEW_SECONDS))
    return { ok: false, why: 'iat is in the future', reason: 'assertion_invalid' };
  if (nbf !== undefined && (!isNumber(nbf) || nbf > now + CLOCK_SKEW_SECONDS))
    return { ok: false, why: 'not valid yet (nbf)', reason: 'assertion_invalid' };
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH)
    return { ok: false, why: 'jti is missing or too long', reason: 'assertion_invalid' };
  return { ok: true, jti, exp };
}
