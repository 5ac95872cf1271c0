import { describe, expect, it } from 'vitest';
import {
  SECRET_LENGTH,
  SECRET_PATTERN,
  encodeSecret,
  generateSecret,
  hashSecret,
  isWellFormedSecret,
  previewSecret,
} from './format';

describe('secret format', () => {
  it('generates prefixed secrets of a fixed length that pass their own checksum', () => {
    const secret = generateSecret();
    expect(secret.startsWith('uqs_')).toBe(true);
    expect(secret).toHaveLength(SECRET_LENGTH);
    expect(secret).toMatch(SECRET_PATTERN);
    expect(isWellFormedSecret(secret)).toBe(true);
  });

  it('never repeats a secret', () => {
    const seen = new Set(Array.from({ length: 2000 }, generateSecret));
    expect(seen.size).toBe(2000);
  });

  it('encodes all 32 bytes, so different bytes give different secrets', () => {
    const zeros = new Uint8Array(32);
    const lastBit = new Uint8Array(32);
    lastBit[31] = 1;
    const firstBit = new Uint8Array(32);
    firstBit[0] = 0x80;
    const encoded = new Set([encodeSecret(zeros), encodeSecret(lastBit), encodeSecret(firstBit)]);
    expect(encoded.size).toBe(3);
    expect(encodeSecret(new Uint8Array(32).fill(0xff))).toHaveLength(SECRET_LENGTH);
  });

  it('rejects a secret with one character changed, in the body or in the checksum', () => {
    const secret = generateSecret();
    for (const index of [4, 20, SECRET_LENGTH - 1]) {
      const original = secret[index]!;
      const swapped = original === 'a' ? 'b' : 'a';
      const tampered = secret.slice(0, index) + swapped + secret.slice(index + 1);
      expect(isWellFormedSecret(tampered)).toBe(false);
    }
  });

  it('rejects other prefixes, lengths and characters', () => {
    const secret = generateSecret();
    expect(isWellFormedSecret(secret.replace('uqs_', 'ghp_'))).toBe(false);
    expect(isWellFormedSecret(secret.slice(0, -1))).toBe(false);
    expect(isWellFormedSecret(`${secret}0`)).toBe(false);
    expect(isWellFormedSecret(`${secret.slice(0, 10)}-${secret.slice(11)}`)).toBe(false);
    expect(isWellFormedSecret('')).toBe(false);
  });

  it('hashes with SHA-256 and shows only the prefix and last four characters', () => {
    const secret = generateSecret();
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(secret)).toBe(hashSecret(secret));
    expect(hashSecret(secret)).not.toBe(hashSecret(generateSecret()));
    expect(hashSecret('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(previewSecret(secret)).toBe(`uqs_…${secret.slice(-4)}`);
  });
});
