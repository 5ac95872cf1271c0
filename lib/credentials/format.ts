import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * Client secrets look like `uqs_<43 base62 chars><6 base62 chars>`:
 * a fixed prefix that scanners can key on, 32 CSPRNG bytes in base62, and a
 * CRC32 of those 43 characters so that a candidate can be checked offline
 * (the scheme GitHub uses for its tokens).
 */
export const SECRET_PREFIX = 'uqs_';
const BODY_LENGTH = 43; // ceil(256 bits / log2(62))
const CHECKSUM_LENGTH = 6; // ceil(32 bits / log2(62))
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Matches a whole secret; documented in the README for secret scanners. */
export const SECRET_PATTERN = /^uqs_[0-9A-Za-z]{49}$/;
export const SECRET_LENGTH = SECRET_PREFIX.length + BODY_LENGTH + CHECKSUM_LENGTH;

function toBase62(value: bigint, width: number): string {
  let out = '';
  let rest = value;
  while (rest > 0n) {
    out = ALPHABET[Number(rest % 62n)] + out;
    rest /= 62n;
  }
  return out.padStart(width, '0');
}

function checksumOf(body: string): string {
  return toBase62(BigInt(crc32(body)), CHECKSUM_LENGTH);
}

/** Encodes 32 random bytes as a secret. Exposed for tests; use generateSecret(). */
export function encodeSecret(bytes: Uint8Array): string {
  if (bytes.length !== 32) throw new Error('A secret is made of exactly 32 bytes');
  const body = toBase62(BigInt(`0x${Buffer.from(bytes).toString('hex')}`), BODY_LENGTH);
  return `${SECRET_PREFIX}${body}${checksumOf(body)}`;
}

export function generateSecret(): string {
  return encodeSecret(randomBytes(32));
}

/** True when the string has the secret format and its checksum matches. */
export function isWellFormedSecret(candidate: string): boolean {
  if (!SECRET_PATTERN.test(candidate)) return false;
  const body = candidate.slice(SECRET_PREFIX.length, SECRET_PREFIX.length + BODY_LENGTH);
  return candidate.slice(SECRET_PREFIX.length + BODY_LENGTH) === checksumOf(body);
}

/** SHA-256 (hex) of the whole secret: the only form in which it is stored. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Masked preview shown in the table: the prefix and the last four characters. */
export function previewSecret(secret: string): string {
  return `${SECRET_PREFIX}…${secret.slice(-4)}`;
}
