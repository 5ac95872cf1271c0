import { randomBytes } from 'node:crypto';

/** The httpOnly cookie that carries a sign-in between its steps (password, second factor, session). */
export const SIGN_IN_COOKIE = 'portal.sign-in';

/** The cookie's value, percent-decoded; null when it is absent or does not decode (then it names nothing). */
export function readCookie(header: string | null | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * The long-lived random cookie that lets a sign-in tell a browser seen before from a new one
 * (account.new_browser). Only its SHA-256 is stored, per user (lib/data/known-browsers.ts). 400 days, the
 * longest a browser keeps a cookie; renewed at every sign-in.
 */
export const BROWSER_COOKIE = 'portal.browser';
export const BROWSER_COOKIE_MAX_AGE_SECONDS = 400 * 86_400;

/** A new browser cookie's value: 32 random bytes, base64url. */
export function newBrowserToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A browser cookie's value we set is 43 base64url characters; anything else names no browser. */
export function readBrowserToken(header: string | null | undefined): string | null {
  const value = readCookie(header, BROWSER_COOKIE);
  return value && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : null;
}

export function browserCookie(token: string, secure: boolean): string {
  return [
    `${BROWSER_COOKIE}=${token}`,
    `Max-Age=${BROWSER_COOKIE_MAX_AGE_SECONDS}`,
    'Path=/api/auth',
    'HttpOnly',
    'SameSite=Strict',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function signInCookie(token: string | null, secure: boolean): string {
  const attributes = ['Path=/api/auth', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  return token === null
    ? [`${SIGN_IN_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ')
    : [`${SIGN_IN_COOKIE}=${token}`, 'Max-Age=300', ...attributes].join('; ');
}

/**
 * The httpOnly cookie that binds a trip to the identity provider to the browser that started it: the
 * callback must bring it with the trip's state, so a sign-in link planted by someone else does nothing.
 * SameSite=Lax, because the identity provider's redirect back is a cross-site top-level navigation;
 * ten minutes, the trip's lifetime; only the single sign-on routes see it.
 */
export const SSO_BROWSER_COOKIE = 'portal.sso';

export function ssoBrowserCookie(token: string | null, secure: boolean): string {
  const attributes = ['Path=/api/auth/sso', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  return token === null
    ? [`${SSO_BROWSER_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ')
    : [`${SSO_BROWSER_COOKIE}=${token}`, 'Max-Age=600', ...attributes].join('; ');
}
