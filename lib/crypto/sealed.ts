import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { env } from '@/lib/env';

/**
 * Encryption at rest for the few secrets the server must read back (token signing keys, authenticator-app
 * keys): AES-256-GCM under TOKEN_KEY_ENCRYPTION_KEY. The associated data binds a sealed value to what it
 * belongs to (a key id, a user), so a value copied onto another row does not open there.
 * Layout, base64url: 12-byte IV | 16-byte tag | ciphertext.
 */

/** 32 bytes, base64url, from TOKEN_KEY_ENCRYPTION_KEY. */
function encryptionKey(): Buffer {
  const value = env.TOKEN_KEY_ENCRYPTION_KEY;
  const key = value ? Buffer.from(value, 'base64url') : Buffer.alloc(0);
  if (key.length !== 32)
    throw new Error('TOKEN_KEY_ENCRYPTION_KEY must hold 32 bytes in base64url (npm start sets one up)');
  return key;
}

export function seal(associatedData: string, plaintext: Uint8Array): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', encryptionKey(), iv).setAAD(Buffer.from(associatedData));
  const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url');
}

/** Throws when the value was altered, sealed under another key, or for other associated data. */
export function open(associatedData: string, stored: string): Buffer {
  const raw = Buffer.from(stored, 'base64url');
  const decipher = createDecipheriv('aes-256-gcm', encryptionKey(), raw.subarray(0, 12)).setAAD(
    Buffer.from(associatedData),
  );
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
}
