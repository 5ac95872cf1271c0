import 'server-only';
import { cache } from 'react';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { decode } from 'next-auth/jwt';
import type { Actor } from '@/lib/identity/actor';
import { getActorByUserId } from '@/lib/data/users';
import { findLiveSession } from '@/lib/data/sessions';
import { env } from '@/lib/env';

const COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'];

/** The session cookie's user and server-side session token, or null. */
export async function sessionCookie(): Promise<{ userId: string; token: string } | null> {
  const jar = await cookies();
  const raw = COOKIE_NAMES.map((name) => jar.get(name)?.value).find(Boolean);
  if (!raw) return null;
  const jwt = await decode({ token: raw, secret: env.NEXTAUTH_SECRET ?? '' }).catch(() => null);
  if (!jwt || typeof jwt.sub !== 'string' || typeof jwt.sid !== 'string') return null;
  return { userId: jwt.sub, token: jwt.sid };
}

/**
 * The signed-in actor, or null. The cookie only names a server-side session: it counts while that
 * session's row is live (not signed out, not ended elsewhere, not expired), and the user's membership and
 * role in the organization the session works in (chosen on the server, never by the client) are read fresh
 * from the database on every request. Read once per render (the layout and the page both ask),
 * with the session and the user looked up side by side.
 */
export const getActor = cache(async (): Promise<Actor | null> => {
  const cookie = await sessionCookie();
  if (!cookie) return null;
  const [session, actor] = await Promise.all([
    findLiveSession(cookie),
    getActorByUserId({ userId: cookie.userId, sessionToken: cookie.token }),
  ]);
  return session && actor ? { ...actor, session } : null;
});

/** For pages: the signed-in actor, or a redirect to the sign-in page. */
export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect('/sign-in');
  return actor;
}

/**
 * For next-auth's session endpoint (/api/auth/session), which would describe any cookie it can decrypt and
 * renew it: when the cookie names a server-side session that has ended (signed out, elsewhere or everywhere,
 * or expired), the answer is no session and the cookie is cleared. Null when there is no such cookie, or its
 * session is live: next-auth answers then.
 */
export async function endedSessionAnswer(): Promise<Response | null> {
  const cookie = await sessionCookie();
  if (!cookie || (await findLiveSession(cookie))) return null;
  const jar = await cookies();
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  for (const name of COOKIE_NAMES) {
    if (!jar.has(name)) continue;
    const secure = name.startsWith('__Secure-') ? '; Secure' : '';
    headers.append('Set-Cookie', `${name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
  }
  return Response.json({}, { headers });
}
