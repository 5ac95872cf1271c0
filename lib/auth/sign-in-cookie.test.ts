import { describe, expect, it } from 'vitest';
import { SIGN_IN_COOKIE, readCookie } from '@/lib/auth/sign-in-cookie';

describe('readCookie', () => {
  it('allows a percent-encoded value among other cookies', () => {
    expect(readCookie(`a=1; ${SIGN_IN_COOKIE}=abc%2Bdef; b=2`, SIGN_IN_COOKIE)).toBe('abc+def');
    expect(readCookie('a=1', SIGN_IN_COOKIE)).toBeNull();
    expect(readCookie(null, SIGN_IN_COOKIE)).toBeNull();
  });

  it('blocks a value that does not decode: it names no sign-in, and throws nothing', () => {
    expect(readCookie(`${SIGN_IN_COOKIE}=%E0%A4%A`, SIGN_IN_COOKIE)).toBeNull();
    expect(readCookie(`${SIGN_IN_COOKIE}=%`, SIGN_IN_COOKIE)).toBeNull();
  });
});
