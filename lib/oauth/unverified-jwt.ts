import { decodeJwt, decodeProtectedHeader, type JWTPayload, type ProtectedHeaderParameters } from 'jose';

/**
 * A JWT's header and claims, read without checking the signature: only to choose which keys to verify it
 * with (a client assertion's client, a workload token's issuer). Null when it is not a JWT.
 */
export function decodeUnverified(jwt: string): { header: ProtectedHeaderParameters; claims: JWTPayload } | null {
  try {
    return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
  } catch {
    return null;
  }
}
