import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import type { AccessTokenClaims } from '@/lib/oauth/access-token';
import { getSigningKeys, SIGNING_ALGORITHM } from '@/lib/oauth/signing-keys';
import { tokenSettings } from '@/lib/oauth/settings';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { revokedTokens } from '@/lib/oauth/revoked-tokens';

export interface VerifiedAccessToken {
  clientId: string;
  scope: string;
  credentialId: string;
  expiresAt: number;
}

const STRING_CLAIMS = ['iss', 'sub', 'aud', 'jti', 'scope', 'client_id', 'secret_id'] as const;

/** One key set per load of the signing keys, so that jose imports each public key once rather than per token. */
const keySets = new WeakMap<JsonWebKey[], ReturnType<typeof createLocalJWKSet>>();

function keySetOf(jwks: JsonWebKey[]) {
  let keySet = keySets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet({ keys: jwks } as JSONWebKeySet);
    keySets.set(jwks, keySet);
  }
  return keySet;
}

/**
 * The claims of an unexpired access token that we issued: signature against our signing keys, typ, exp, iss,
 * aud and the claims' shape. Null for anything else. Revocation is not checked here (see isRevoked). Throws
 * only when the signing keys were never loaded (the caller answers 503).
 */
export async function readAccessToken(token: string): Promise<AccessTokenClaims | null> {
  const { issuer, audience } = tokenSettings();
  const { jwks } = await getSigningKeys();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, keySetOf(jwks), {
      issuer,
      audience,
      algorithms: [SIGNING_ALGORITHM],
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
    }));
  } catch {
    return null;
  }
  if (STRING_CLAIMS.some((claim) => typeof payload[claim] !== 'string')) return null;
  return payload as unknown as AccessTokenClaims;
}

/**
 * Whether an access token was revoked: on its own (RFC 7009, by jti) or with its credential (tokens issued up
 * to the credential's cut-off). Throws when that cannot be known because the database is unreachable: the
 * caller answers 503, never takes the token for valid or for revoked.
 */
export async function isRevoked(claims: Pick<AccessTokenClaims, 'jti' | 'iat' | 'secret_id'>): Promise<boolean> {
  const [cutoff, revoked] = await Promise.all([
    secretVerifier.tokensRevokedBefore(claims.secret_id),
    revokedTokens.isRevoked(claims.jti),
  ]);
  return revoked || claims.iat <= cutoff;
}

/**
 * Checks a bearer token the way an API behind the API base URL must: signature, typ, exp, iss, aud and
 * revocation. Null for a token that is not valid; throws when it cannot be checked (signing keys never
 * loaded, or revocation unreadable because the database is unreachable): the caller answers 503, not 401.
 */
export async function verifyAccessToken(token: string): Promise<VerifiedAccessToken | null> {
  const claims = await readAccessToken(token);
  if (!claims || (await isRevoked(claims))) return null;
  return { clientId: claims.client_id, scope: claims.scope, credentialId: claims.secret_id, expiresAt: claims.exp };
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | null): string | null {
  const match = header?.match(/^Bearer ([A-Za-z0-9._~+/-]+=*)$/i);
  return match?.[1] ?? null;
}
