import 'server-only';
import { encode } from 'next-auth/jwt';
import { SESSION_LIFETIME_SECONDS } from '@/lib/data/sessions';
import { env, portalUrl } from '@/lib/env';

/** A session cookie in the shape browsers' automation APIs take (Playwright's `addCookies`, for one). */
export interface IssuedSessionCookie {
  name: string;
  value: string;
  path: '/';
  httpOnly: true;
  secure: boolean;
  sameSite: 'Lax';
  /** Seconds since the epoch. */
  expires: number;
}

/**
 * The cookie next-auth would have set for a server-side session the portal made itself (a suite's tenant
 * admin, issued with the tenant): the same encrypted token, name and attributes as after a sign-in through the
 * page, so the session reader (lib/auth/session.ts) treats it exactly alike.
 */
export async function issuedSessionCookie({
  userId,
  token,
}: {
  userId: string;
  /** The server-side session's token (lib/data/sessions.ts createSession). */
  token: string;
}): Promise<IssuedSessionCookie> {
  // next-auth names and flags its cookie by the portal's scheme; so do we.
  const secure = portalUrl().startsWith('https://');
  const value = await encode({
    token: { sub: userId, sid: token },
    secret: env.NEXTAUTH_SECRET ?? '',
    maxAge: SESSION_LIFETIME_SECONDS,
  });
  return {
    name: `${secure ? '__Secure-' : ''}next-auth.session-token`,
    value,
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'Lax',
    expires: Math.floor(Date.now() / 1000) + SESSION_LIFETIME_SECONDS,
  };
}
