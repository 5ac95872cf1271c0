import { createHash, randomInt } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
// RFC 4648 base32, lower case: no 0/1/8/9, so nothing reads as o, l or b.
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** Ten codes of ten base32 characters (50 bits each), shown as "xxxxx-xxxxx". */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** People retype codes in any case, with spaces or without the dash. */
export function normalizeRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}

/** Salted with the user id, so one hash cannot be tried against every user's codes at once. */
export function hashRecoveryCode(userId: string, code: string): string {
  return createHash('sha256')
    .update(`${userId}:${normalizeRecoveryCode(code)}`)
    .digest('hex');
}
