import { randomFillSync } from 'node:crypto';

/**
 * Request ids: `req_` and 22 base62 characters (about 131 random bits), on every answer of the OAuth endpoints
 * as the `Request-Id` header, in the request log and in the server's log line of a refusal. Unguessable, so
 * that knowing one request's id tells nothing of another's. Pure (randomness only).
 */
export const REQUEST_ID_PATTERN = /^req_[0-9A-Za-z]{22}$/;

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const LENGTH = 22;
/** Bytes at or above this are skipped: 248 = 4 × 62, so every character is equally likely. */
const UNBIASED_LIMIT = 248;

// Random bytes drawn 4 KB at a time: one call into the CSPRNG per ~170 ids rather than one per id.
const pool = Buffer.alloc(4096);
let offset = pool.length;

function nextByte(): number {
  if (offset === pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  return pool[offset++]!;
}

export function newRequestId(): string {
  let id = 'req_';
  while (id.length < 4 + LENGTH) {
    const byte = nextByte();
    if (byte < UNBIASED_LIMIT) id += ALPHABET[byte % 62];
  }
  return id;
}

export function isRequestId(value: unknown): value is string {
  return typeof value === 'string' && REQUEST_ID_PATTERN.test(value);
}
