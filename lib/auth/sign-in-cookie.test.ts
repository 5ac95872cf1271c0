import { describe, expect, it } from 'vitest';
import {
  BROWSER_COOKIE,
  SIGN_IN_COOKIE,
  browserCookie,
  newBrowserToken,
  readBrowserToken,
  readCookie,
} from '@/lib/auth/sign-in-cookie';

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

describe('the browser cookie', () => {
  it('allows the value it makes: 32 random bytes, long-lived, httpOnly, only for the sign-in endpoints', () => {
    const token = newBrowserToken();
    expect(token).not.toBe(newBrowserToken());
    expect(readBrowserToken(`a=1; ${BROWSER_COOKIE}=${token}`)).toBe(token);
    const cookie = browserCookie(token, true);
    for (const attribute of ['Max-Age=34560000', 'Path=/api/auth', 'HttpOnly', 'SameSite=Strict', 'Secure'])
      expect(cookie).toContain(attribute);
    expect(browserCookie(token, false)).not.toContain('Secure');
  });

  it('blocks a value it did not make: it names no browser', () => {
    expect(readBrowserToken(`${BROWSER_COOKIE}=short`)).toBeNull();
    expect(readBrowserToken(`${BROWSER_COOKIE}=${'a'.repeat(42)}%2F`)).toBeNull();
    expect(readBrowserToken(null)).toBeNull();
  });
});
