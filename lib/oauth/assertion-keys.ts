import { compactVerify, errors, importJWK, type FlattenedJWSInput, type JWTHeaderParameters } from 'jose';
import type { ClientCredential } from '@/lib/oauth/client-credentials';
import { RemoteKeySet } from '@/lib/oauth/remote-key-set';
import { MIN_RSA_BITS, isPublicKeyAlgorithm, type PublicKeyAlgorithm } from '@/lib/credentials/public-key';

/**
 * Keys tried for one assertion (each pasted key, each JWKS URL consulted, each extra key of a set that has
 * several without a matching kid): an assertion that names no kid costs at most this many verifications.
 */
const MAX_ATTEMPTS = 10;
/** JWKS URLs whose keys are kept in memory at once; the least recently used is dropped beyond it. */
export const MAX_KEY_SETS = 10_000;

export type AssertionHeader = JWTHeaderParameters & { alg: PublicKeyAlgorithm };

interface KeyCaches {
  /** Pasted keys, imported once per cached credential: a changed credential is a new object, imported anew. */
  imported: WeakMap<ClientCredential, Promise<CryptoKey | null>>;
  /**
   * Per credential id: its JWKS URL's key set (fetched, cached, refreshed on an unknown kid), least recently
   * used first.
   */
  keySets: Map<string, { url: string; keys: RemoteKeySet }>;
}

// Shared by every copy of this module in the process (the server's fast path and Next's bundle).
const globalForKeys = globalThis as unknown as { assertionKeyCaches?: KeyCaches };
const caches = (globalForKeys.assertionKeyCaches ??= { imported: new WeakMap(), keySets: new Map() });

/** A public key of an accepted kind; RSA only from 2048 bits. */
function usable(key: CryptoKey): boolean {
  if (key.type !== 'public') return false;
  const { modulusLength } = key.algorithm as Partial<RsaHashedKeyAlgorithm>;
  return modulusLength === undefined || modulusLength >= MIN_RSA_BITS;
}

/** Whether a pasted key may have signed a token with this header: same alg, and same kid when one is named. */
function pastedKeyFits(jwk: Record<string, unknown>, header: AssertionHeader): boolean {
  return jwk.alg === header.alg && (header.kid === undefined || jwk.kid === header.kid);
}

function pastedKey(credential: ClientCredential, jwk: Record<string, unknown>): Promise<CryptoKey | null> {
  let key = caches.imported.get(credential);
  if (!key) {
    key = (async () => {
      if (!isPublicKeyAlgorithm(jwk.alg)) return null;
      const imported = await importJWK(jwk, jwk.alg);
      return imported instanceof Uint8Array || !usable(imported) ? null : imported;
    })().catch(() => null);
    caches.imported.set(credential, key);
  }
  return key;
}

function keySetOf(credential: ClientCredential, url: string): RemoteKeySet {
  const cached = caches.keySets.get(credential.id);
  if (cached?.url === url) {
    // To the back of the map's order: the keys dropped first are those unused the longest.
    caches.keySets.delete(credential.id);
    caches.keySets.set(credential.id, cached);
    return cached.keys;
  }
  caches.keySets.delete(credential.id);
  if (caches.keySets.size >= MAX_KEY_SETS) {
    const oldest = caches.keySets.keys().next().value;
    if (oldest !== undefined) caches.keySets.delete(oldest);
  }
  const keys = new RemoteKeySet(() => url);
  caches.keySets.set(credential.id, { url, keys });
  return keys;
}

/** Why no credential verified an assertion (lib/request-log/reasons.ts). */
export type SigningKeyMiss = {
  reason: 'unknown_key_id' | 'jwks_unreachable' | 'assertion_bad_signature';
  /** jwks_unreachable: the credential whose JWKS URL could not be read. */
  credentialId?: string;
};

/**
 * The keys of one credential that may have signed a token with this header: a pasted key when its alg (and
 * kid, when the header names one) match; the JWKS URL's key with that kid, or each key fitting the alg.
 * A JWKS URL that cannot be fetched, or has no such key, yields nothing; one that cannot be fetched or read
 * is noted in `search`.
 */
async function* candidateKeys(
  credential: ClientCredential,
  header: AssertionHeader,
  token: FlattenedJWSInput,
  search: { unreachable?: string },
): AsyncGenerator<CryptoKey> {
  const { publicJwk: jwk, jwksUrl } = credential;
  if (jwk) {
    if (!pastedKeyFits(jwk, header)) return;
    const key = await pastedKey(credential, jwk);
    if (key) yield key;
    return;
  }
  if (!jwksUrl) return;
  let key: CryptoKey | undefined;
  try {
    key = (await keySetOf(credential, jwksUrl).resolve(header, token)) as CryptoKey;
  } catch (error) {
    // No kid, and several keys of the set fit the alg: each is tried in turn.
    if (error instanceof errors.JWKSMultipleMatchingKeys) yield* error;
    // Otherwise (unreachable, malformed, no such key) this credential cannot verify the assertion.
    else if (!(error instanceof errors.JWKSNoMatchingKey)) search.unreachable ??= credential.id;
    return;
  }
  yield key;
}

/**
 * Which of the client's public-key credentials signed this compact JWS, or why none did. Only the header's
 * alg is accepted, and the header has been checked to carry one of PUBLIC_KEY_ALGORITHMS (never `none` or
 * HMAC). Pasted keys are tried before JWKS URLs, which may need a fetch. Never throws.
 */
export async function findSigningCredential(
  jws: string,
  header: AssertionHeader,
  credentials: readonly ClientCredential[],
): Promise<{ credential: ClientCredential } | { credential: null; miss: SigningKeyMiss }> {
  const [encodedHeader = '', payload = '', signature = ''] = jws.split('.');
  const token: FlattenedJWSInput = { protected: encodedHeader, payload, signature };
  const ordered = [...credentials.filter((c) => c.publicJwk), ...credentials.filter((c) => !c.publicJwk)];
  const search: { unreachable?: string } = {};
  const badSignature = { credential: null, miss: { reason: 'assertion_bad_signature' } } as const;
  let attempts = 0;
  let tried = false;
  for (const credential of ordered) {
    // A pasted key whose kid or alg does not match costs nothing; anything else counts.
    if (credential.publicJwk && !pastedKeyFits(credential.publicJwk, header)) continue;
    if (++attempts > MAX_ATTEMPTS) return badSignature;
    let first = true;
    for await (const key of candidateKeys(credential, header, token, search)) {
      if (!first && ++attempts > MAX_ATTEMPTS) return badSignature;
      first = false;
      if (!usable(key)) continue;
      tried = true;
      try {
        await compactVerify(jws, key, { algorithms: [header.alg] });
        return { credential };
      } catch {
        // Not this key.
      }
    }
  }
  if (tried) return badSignature;
  if (search.unreachable)
    return { credential: null, miss: { reason: 'jwks_unreachable', credentialId: search.unreachable } };
  return { credential: null, miss: { reason: 'unknown_key_id' } };
}
