import { createLocalJWKSet, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { getSigningKeys, SIGNING_ALGORITHM } from '@/lib/oauth/signing-keys';
import { tokenSettings } from '@/lib/oauth/settings';
import { secretVerifier } from '@/lib/oauth/secret-verifier';

export interface VerifiedAccessToken {
  clientId: string;
  scope: string;
  secretId: string;
  expiresAt: number;
}

/**
 * Checks a bearer token the way an API behind the API base URL must: signature, typ, exp, iss and aud.
 * Null for a token that is not valid; throws when it cannot be checked (signing keys never loaded, or the
 * revocation cut-off unreadable because the database is unreachable): the caller answers 503, not 401.
 */
export async function verifyAccessToken(token: string): Promise<VerifiedAccessToken | null> {
  const { issuer, audience } = tokenSettings();
  const { jwks } = await getSigningKeys();
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet({ keys: jwks } as JSONWebKeySet), {
      issuer,
      audience,
      algorithms: [SIGNING_ALGORITHM],
      typ: 'at+jwt',
      requiredClaims: ['exp', 'iat', 'sub', 'jti'],
    }));
  } catch {
    return null;
  }
  if (
    typeof payload.client_id !== 'string' ||
    typeof payload.scope !== 'string' ||
    typeof payload.secret_id !== 'string'
  )
    return null;
  // Tokens issued up to the cut-off were revoked together with their secret.
  if (payload.iat! <= (await secretVerifier.tokensRevokedBefore(payload.secret_id))) return null;
  return { clientId: payload.client_id, scope: payload.scope, secretId: payload.secret_id, expiresAt: payload.exp! };
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearerToken(header: string | null): string | null {
  const match = header?.match(/^Bearer ([A-Za-z0-9._~+/-]+=*)$/i);
  return match?.[1] ?? null;
}
