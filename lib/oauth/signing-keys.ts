import { createHash, createPrivateKey, generateKeyPairSync, type JsonWebKey, type KeyObject } from 'node:crypto';
import { addSigningKeyUnlessCurrent, listUnretiredSigningKeys, type NewSigningKey } from '@/lib/data/signing-keys';
import { open, seal } from '@/lib/crypto/sealed';

export const SIGNING_ALGORITHM = 'ES256';

export interface SigningKeys {
  current: { kid: string; privateKey: KeyObject };
  /** Public keys of every key that is not retired, current first: what /.well-known/jwks.json serves. */
  jwks: JsonWebKey[];
}

function decryptPrivateKey(kid: string, stored: string): KeyObject {
  return createPrivateKey({ key: open(kid, stored), format: 'der', type: 'pkcs8' });
}

/** A new P-256 key whose kid is its RFC 7638 thumbprint, the private key sealed at rest. */
function generateSigningKey(): NewSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const kid = createHash('sha256')
    .update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))
    .digest('base64url');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  return {
    kid,
    algorithm: SIGNING_ALGORITHM,
    publicJwk: { ...jwk, kid, alg: SIGNING_ALGORITHM, use: 'sig' },
    privateKeyEnc: seal(kid, der),
  };
}

const RELOAD_AFTER_MS = 5 * 60_000;

async function readKeys(): Promise<SigningKeys> {
  await addSigningKeyUnlessCurrent(generateSigningKey);
  const rows = await listUnretiredSigningKeys();
  // A new key signs only once every instance and every JWKS cache (max-age 300 s) can know it.
  const publishedBefore = Date.now() - 2 * RELOAD_AFTER_MS;
  const signer = rows.find((row) => row.createdAt.getTime() <= publishedBefore) ?? rows.at(-1)!;
  return {
    current: { kid: signer.kid, privateKey: decryptPrivateKey(signer.kid, signer.privateKeyEnc) },
    jwks: rows.map((row) => row.publicJwk as JsonWebKey),
  };
}

const RETRY_AFTER_FAILURE_MS = 5_000;

/** Shared through globalThis: server/instance.ts and Next.js's bundle each load this module. */
const cache = ((globalThis as unknown as { signingKeyCache?: SigningKeyCache }).signingKeyCache ??= {
  loadedAt: 0,
  failedAt: 0,
});

interface SigningKeyCache {
  keys?: SigningKeys;
  loadedAt: number;
  failedAt: number;
  reading?: Promise<SigningKeys>;
}

function reload(): Promise<SigningKeys> {
  cache.reading ??= readKeys()
    .then((keys) => {
      cache.keys = keys;
      cache.loadedAt = Date.now();
      return keys;
    })
    .catch((error: unknown) => {
      cache.failedAt = Date.now();
      throw error;
    })
    .finally(() => {
      cache.reading = undefined;
    });
  return cache.reading;
}

/**
 * Signing keys, read once and re-read every five minutes so that a rotation reaches every instance. Once
 * loaded they are served from memory, also while the database cannot be reached (the JWKS and token checks
 * keep working); the re-read happens in the background and is retried every few seconds until it succeeds.
 */
export function getSigningKeys(): Promise<SigningKeys> {
  const now = Date.now();
  if (!cache.keys) return reload();
  if (now - cache.loadedAt > RELOAD_AFTER_MS && now - cache.failedAt > RETRY_AFTER_FAILURE_MS) reload().catch(() => {});
  return Promise.resolve(cache.keys);
}

/** Whether this process holds signing keys (for /readyz). */
export function signingKeysLoaded(): boolean {
  return cache.keys !== undefined;
}
