// Signing in from a script as the sign-in page does: the password step, then next-auth's credentials
// callback with the step's httpOnly cookie. Used by the chaos and topology tests.

const firstPart = (cookie: string) => cookie.split(';')[0] ?? '';

/** The password step; its response carries the sign-in cookie when the password was right. */
export function postPassword(base: string, email: string, password: string): Promise<Response> {
  return fetch(`${base}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: base },
    body: JSON.stringify({ email, password }),
  });
}

/** Signs in (no second factor) and returns the session cookie (`name=value`). */
export async function signInForCookie(base: string, email: string, password: string): Promise<string> {
  const step = await postPassword(base, email, password);
  const challenge = step.headers
    .getSetCookie()
    .map(firstPart)
    .find((c) => c.startsWith('portal.sign-in='));
  if (!challenge) throw new Error(`sign-in failed (${step.status})`);
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookies = [challenge, ...csrf.headers.getSetCookie().map(firstPart)];
  const callback = await fetch(`${base}/api/auth/callback/credentials`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookies.join('; ') },
    body: new URLSearchParams({ csrfToken, json: 'true' }),
  });
  const session = callback.headers
    .getSetCookie()
    .map(firstPart)
    .find((c) => c.includes('session-token'));
  if (!session) throw new Error(`sign-in failed (${callback.status})`);
  return session;
}
