import { randomUUID, sign, type KeyObject } from 'node:crypto';
import { ACCESS_TOKEN_TTL_SECONDS } from '@/lib/oauth/settings';
import { SIGNING_ALGORITHM } from '@/lib/oauth/signing-keys';

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  scope: string;
  client_id: string;
  /** The id (never the value) of the secret that obtained the token. */
  secret_id: string;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Signs an RFC 9068 access token with ES256 through node:crypto directly: on the
 * token endpoint's hot path this is about three times cheaper than a general JWT library.
 */
export function issueAccessToken(input: {
  key: { kid: string; privateKey: KeyObject };
  issuer: string;
  audience: string;
  clientId: string;
  secretId: string;
  scopes: string[];
  now?: number;
}): { token: string; claims: AccessTokenClaims } {
  const iat = Math.floor((input.now ?? Date.now()) / 1000);
  const claims: AccessTokenClaims = {
    iss: input.issuer,
    sub: input.clientId,
    aud: input.audience,
    iat,
    exp: iat + ACCESS_TOKEN_TTL_SECONDS,
    jti: randomUUID(),
    scope: input.scopes.join(' '),
    client_id: input.clientId,
    secret_id: input.secretId,
  };
  const signingInput = `${base64url({ alg: SIGNING_ALGORITHM, typ: 'at+jwt', kid: input.key.kid })}.${base64url(claims)}`;
  const signature = sign('sha256', Buffer.from(signingInput), { key: input.key.privateKey, dsaEncoding: 'ieee-p1363' });
  return { token: `${signingInput}.${signature.toString('base64url')}`, claims };
}
