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

export function signInCookie(token: string | null, secure: boolean): string {
  const attributes = ['Path=/api/auth', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  return token === null
    ? [`${SIGN_IN_COOKIE}=`, 'Max-Age=0', ...attributes].join('; ')
    : [`${SIGN_IN_COOKIE}=${token}`, 'Max-Age=300', ...attributes].join('; ');
}
