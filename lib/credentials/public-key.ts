import { createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';

/**
 * A public key pasted by an admin for private_key_jwt (RFC 7523 §2.2): a JWK, a JWKS holding exactly one key,
 * or a PEM public key or certificate, turned into the one form the token endpoint stores and verifies with —
 * a public JWK with `alg` and `kid`, and nothing else. Everything else is refused with a message that tells
 * the admin what to paste instead.
 */

/** The signature algorithms a client assertion may use, and the only ones a key may be added for. */
export const PUBLIC_KEY_ALGORITHMS = ['ES256', 'EdDSA', 'RS256'] as const;
export type PublicKeyAlgorithm = (typeof PUBLIC_KEY_ALGORITHMS)[number];

export function isPublicKeyAlgorithm(alg: unknown): alg is PublicKeyAlgorithm {
  return (PUBLIC_KEY_ALGORITHMS as readonly unknown[]).includes(alg);
}

/** Smallest RSA modulus accepted, when a key is added and again when an assertion is verified with it. */
export const MIN_RSA_BITS = 2048;
/** Longer than any real JWK or PEM public key (an RSA-8192 JWKS is under 2 KiB). */
const MAX_PUBLIC_KEY_TEXT = 16 * 1024;
const MAX_KID_LENGTH = 128;

export type PublicJwk =
  | { kty: 'EC'; crv: 'P-256'; x: string; y: string; alg: 'ES256'; kid: string }
  | { kty: 'OKP'; crv: 'Ed25519'; x: string; alg: 'EdDSA'; kid: string }
  | { kty: 'RSA'; n: string; e: string; alg: 'RS256'; kid: string };

export interface ParsedPublicKey {
  jwk: PublicJwk;
  /** RFC 7638 SHA-256 thumbprint of the key's required members: the same key always has the same one. */
  thumbprint: string;
  /** For a person: "ES256 (P-256)", "RS256 (RSA 3072 bits)". */
  description: string;
}

export type PublicKeyResult = { ok: true; key: ParsedPublicKey } | { ok: false; message: string };

export const PRIVATE_KEY_MESSAGE = 'This is a private key. Paste the public key; keep the private key where it is.';
const SUPPORTED = 'Use an ES256 (P-256), EdDSA (Ed25519) or RS256 (RSA, 2048 bits or more) key.';
const refuse = (message: string): PublicKeyResult => ({ ok: false, message });

/** Parses pasted text (JWK, JWKS with one key, or PEM) into a public JWK with alg and kid. */
export async function parsePublicKey(text: string): Promise<PublicKeyResult> {
  const input = text.trim();
  if (!input) return refuse('Paste a public key: a JWK (JSON) or a PEM block.');
  if (input.length > MAX_PUBLIC_KEY_TEXT) return refuse('This is far longer than a public key. Paste one key.');
  if (input.startsWith('{')) return fromJson(input);
  if (input.includes('-----BEGIN')) return fromPem(input);
  if (/^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-)/.test(input) || input.includes('OPENSSH PRIVATE KEY'))
    return refuse('SSH keys are not supported. Paste the public key as a JWK or as a PEM "BEGIN PUBLIC KEY" block.');
  return refuse('This is neither a JWK (JSON) nor a PEM block. Paste the public key as one of them.');
}

async function fromJson(input: string): Promise<PublicKeyResult> {
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch {
    return refuse('This is not valid JSON. Paste the whole JWK, from { to }.');
  }
  if (!isObject(value)) return refuse('A JWK is a JSON object. Paste the whole key, from { to }.');
  if ('keys' in value) {
    const keys = value.keys;
    if (!Array.isArray(keys)) return refuse('The "keys" member of a key set must be a list of keys.');
    if (keys.length !== 1)
      return refuse(
        `This key set holds ${keys.length} keys. Paste one key, or publish the set and add its JWKS URL instead.`,
      );
    value = keys[0];
    if (!isObject(value)) return refuse('The key in this key set is not a JSON object.');
  }
  return fromJwk(value);
}

async function fromJwk(jwk: Record<string, unknown>): Promise<PublicKeyResult> {
  // A private key is refused before anything else is said about it: the admin should not paste it anywhere.
  if ('d' in jwk || 'p' in jwk || 'q' in jwk) return refuse(PRIVATE_KEY_MESSAGE);
  if (jwk.kty === 'oct' || 'k' in jwk)
    return refuse(`This is a symmetric key (kty "oct"), which can sign but not be published. ${SUPPORTED}`);
  if (jwk.use !== undefined && jwk.use !== 'sig')
    return refuse(`This key is marked for "${String(jwk.use)}", not for signatures ("sig").`);
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify')))
    return refuse('This key\'s "key_ops" do not include "verify".');
  if (jwk.kid !== undefined && !validKid(jwk.kid))
    return refuse(`The key's "kid" must be text of 1 to ${MAX_KID_LENGTH} printable characters.`);
  const given = jwk.alg;
  if (given !== undefined && !isPublicKeyAlgorithm(given))
    return refuse(`Algorithm "${String(given)}" is not accepted. ${SUPPORTED}`);

  let shaped: PublicJwk;
  let description: string;
  if (jwk.kty === 'EC') {
    if (jwk.crv !== 'P-256') return refuse(`Curve ${describeValue(jwk.crv)} is not accepted. ${SUPPORTED}`);
    if (given !== undefined && given !== 'ES256') return refuse(`A P-256 key signs with ES256, not ${String(given)}.`);
    if (!isCoordinate(jwk.x, 32) || !isCoordinate(jwk.y, 32))
      return refuse('This P-256 key is malformed: "x" and "y" must be 32-byte base64url values.');
    shaped = { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, alg: 'ES256', kid: '' };
    description = 'ES256 (P-256)';
  } else if (jwk.kty === 'OKP') {
    if (jwk.crv !== 'Ed25519')
      return refuse(`Curve ${describeValue(jwk.crv)} is not accepted for signatures here. ${SUPPORTED}`);
    if (given !== undefined && given !== 'EdDSA')
      return refuse(`An Ed25519 key signs with EdDSA, not ${String(given)}.`);
    if (!isCoordinate(jwk.x, 32))
      return refuse('This Ed25519 key is malformed: "x" must be a 32-byte base64url value.');
    shaped = { kty: 'OKP', crv: 'Ed25519', x: jwk.x, alg: 'EdDSA', kid: '' };
    description = 'EdDSA (Ed25519)';
  } else if (jwk.kty === 'RSA') {
    if (given !== undefined && given !== 'RS256')
      return refuse(`Algorithm "${String(given)}" is not accepted. ${SUPPORTED}`);
    if (!isBase64url(jwk.n) || !isBase64url(jwk.e))
      return refuse('This RSA key is malformed: "n" and "e" must be base64url values.');
    const bits = modulusBits(jwk.n);
    if (bits < MIN_RSA_BITS) return refuse(`This RSA key has ${bits} bits; use one of at least ${MIN_RSA_BITS} bits.`);
    shaped = { kty: 'RSA', n: jwk.n, e: jwk.e, alg: 'RS256', kid: '' };
    description = `RS256 (RSA ${bits} bits)`;
  } else {
    return refuse(`Key type ${describeValue(jwk.kty)} is not accepted. ${SUPPORTED}`);
  }

  // The key must be one the token endpoint can verify with, not merely well-shaped (e.g. a point on the curve).
  try {
    await importJWK({ ...shaped, kid: undefined }, shaped.alg);
  } catch {
    return refuse('This key could not be read: its values do not form a valid public key.');
  }
  const thumbprint = await calculateJwkThumbprint(requiredMembers(shaped), 'sha256');
  shaped.kid = typeof jwk.kid === 'string' ? jwk.kid : thumbprint;
  return { ok: true, key: { jwk: shaped, thumbprint, description } };
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

async function fromPem(input: string): Promise<PublicKeyResult> {
  if (/PRIVATE KEY-----/.test(input)) return refuse(PRIVATE_KEY_MESSAGE);
  const blocks = [...input.matchAll(PEM_BLOCK)];
  if (blocks.length === 0) return refuse('This PEM block is incomplete: paste it from -----BEGIN to -----END.');
  if (blocks.length > 1) return refuse('Paste one PEM block: one public key or one certificate.');
  const [block, label] = blocks[0]!;
  let key: KeyObject;
  try {
    if (label === 'CERTIFICATE') key = new X509Certificate(block).publicKey;
    else if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY') key = createPublicKey(block);
    else return refuse(`A PEM "${label}" block is not a public key. Paste a "BEGIN PUBLIC KEY" block.`);
  } catch {
    return refuse(`This PEM "${label}" block could not be read. Paste it whole, from -----BEGIN to -----END.`);
  }
  const type = key.asymmetricKeyType;
  if (type === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1') return refuse(`Curve ${curveName(curve)} is not accepted. ${SUPPORTED}`);
  } else if (type === 'rsa') {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS) return refuse(`This RSA key has ${bits} bits; use one of at least ${MIN_RSA_BITS} bits.`);
  } else if (type !== 'ed25519') {
    return refuse(`A ${type ?? 'key of unknown type'} key is not accepted. ${SUPPORTED}`);
  }
  return fromJwk(key.export({ format: 'jwk' }) as Record<string, unknown>);
}

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, e.g. one stored earlier (the same key pasted twice has the
 * same one, whatever its kid); null for anything that is not a key of an accepted type.
 */
export async function thumbprintOf(jwk: unknown): Promise<string | null> {
  if (!isObject(jwk) || (jwk.kty !== 'EC' && jwk.kty !== 'OKP' && jwk.kty !== 'RSA')) return null;
  return calculateJwkThumbprint(requiredMembers(jwk as PublicJwk), 'sha256').catch(() => null);
}

/** The members RFC 7638 hashes, per key type. */
function requiredMembers(jwk: PublicJwk): JWK {
  if (jwk.kty === 'EC') return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
  if (jwk.kty === 'OKP') return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  return { kty: jwk.kty, n: jwk.n, e: jwk.e };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validKid(kid: unknown): kid is string {
  return typeof kid === 'string' && kid.length >= 1 && kid.length <= MAX_KID_LENGTH && /^[\x20-\x7e]+$/.test(kid);
}

function isBase64url(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && /^[A-Za-z0-9_-]+$/.test(value);
}

function isCoordinate(value: unknown, bytes: number): value is string {
  return isBase64url(value) && Buffer.from(value, 'base64url').length === bytes;
}

/** An RSA modulus's length in bits (base64url `n` of a JWK), leading zeros not counted. */
export function modulusBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let start = 0;
  while (start < bytes.length && bytes[start] === 0) start++;
  if (start === bytes.length) return 0;
  return (bytes.length - start - 1) * 8 + (32 - Math.clz32(bytes[start]!));
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? `"${value.slice(0, 32)}"` : 'missing';
}

function curveName(curve: string | undefined): string {
  const names: Record<string, string> = { secp384r1: 'P-384', secp521r1: 'P-521', secp256k1: 'secp256k1' };
  return curve ? (names[curve] ?? curve) : 'unknown';
}
