import { recordAssertionJti } from '@/lib/data/client-assertion-jtis';
import { addressAllowed } from '@/lib/credentials/rules';
import { isPublicKeyAlgorithm } from '@/lib/credentials/public-key';
import { MAX_CLIENT_ID_LENGTH, checkAssertionClaims } from '@/lib/oauth/assertion-claims';
import { findSigningCredential, type AssertionHeader } from '@/lib/oauth/assertion-keys';
import { clientCredentialCache, credentialsNow } from '@/lib/oauth/client-credentials';
import { tokenSettings } from '@/lib/oauth/settings';
import { decodeUnverified } from '@/lib/oauth/unverified-jwt';
import type { RefusalReason } from '@/lib/request-log/reasons';

export type AssertionVerification =
  | { ok: true; clientId: string; credentialId: string; scopes: readonly string[] }
  /** `clientId`: the client the caller claimed to be, which the failure is counted against. */
  | { ok: false; clientId: string; reason: RefusalReason; credentialId?: string };

let audiences: readonly string[] | undefined;

/** What `aud` may name: the token endpoint's URL as the metadata advertises it, or the issuer. */
function acceptedAudiences(): readonly string[] {
  const { tokenEndpoint, issuer } = tokenSettings();
  audiences ??= [tokenEndpoint, issuer];
  return audiences;
}

/**
 * Authenticates a client by a signed JWT (private_key_jwt: RFC 7523 §2.2 and §3, OpenID Connect Core §9).
 * The unverified header and claims only say which client to look up; the signature must then verify with
 * one of that client's active, unexpired public keys (pasted, or from its JWKS URL), the claims must pass
 * checkAssertionClaims, the caller's address must be allowed, and last the jti is recorded in PostgreSQL so
 * that a replay is refused by every instance. Failures are results, never thrown (an unreachable JWKS URL
 * included); only a database failure throws, to be answered as such.
 */
export async function verifyClientAssertion(
  { assertion, clientId: clientIdParam }: { assertion: string; clientId: string | null },
  address: string,
  now = Date.now(),
): Promise<AssertionVerification> {
  const decoded = decodeUnverified(assertion);
  if (!decoded) return { ok: false, clientId: clientIdParam ?? '', reason: 'assertion_invalid' };
  const { header, claims } = decoded;
  const issuer = typeof claims.iss === 'string' && claims.iss.length <= MAX_CLIENT_ID_LENGTH ? claims.iss : null;
  const claimed = clientIdParam ?? issuer ?? '';
  const refused = (reason: RefusalReason, credentialId?: string): AssertionVerification => ({
    ok: false,
    clientId: claimed,
    reason,
    credentialId,
  });
  // client_id, when sent, must name the same client as the assertion (RFC 7523 §3, item 2: iss = sub).
  if (issuer === null || (clientIdParam !== null && clientIdParam !== issuer)) return refused('assertion_invalid');
  // Only asymmetric signatures of the offered algorithms: never `none`, never an HMAC keyed with a public key.
  if (!isPublicKeyAlgorithm(header.alg)) return refused('assertion_invalid');
  const check = checkAssertionClaims(claims, {
    clientId: issuer,
    audiences: acceptedAudiences(),
    now: Math.floor(now / 1000),
  });
  if (!check.ok) return refused(check.reason);

  const client = await clientCredentialCache.get(issuer, now);
  if (!client) return refused('secret_not_matched');
  // Expiry on the client's own clock (a tenant's test clock); the assertion's own times above stay real.
  const at = credentialsNow(client, now);
  const keys = client.credentials.filter((credential) => credential.kind === 'PUBLIC_KEY' && at < credential.stopsAt);
  if (keys.length === 0) return refused('no_active_key');
  const found = await findSigningCredential(assertion, header as AssertionHeader, keys);
  if (!found.credential) return refused(found.miss.reason, found.miss.credentialId);
  const { credential } = found;

  // The right key from outside its allowlist: refused, and shown to the admin like a secret's.
  if (!addressAllowed(address, credential.allowedCidrs)) return refused('address_not_allowed', credential.id);
  const firstUse = await recordAssertionJti({
    oauthClientId: client.oauthClientId,
    jti: check.jti,
    expiresAt: new Date(check.exp * 1000),
  });
  if (!firstUse) return refused('assertion_replayed', credential.id);
  return { ok: true, clientId: issuer, credentialId: credential.id, scopes: credential.scopes };
}
