import { encode } from 'next-auth/jwt';
import { createSession } from '@/lib/data/sessions';

/**
 * What a browser holds after signing in: next-auth's encrypted cookie naming a real server-side session.
 * Tests put it into their `next/headers` mock, so getActor() runs exactly as in production.
 */
export async function sessionCookieFor(userId: string, context = { address: '203.0.113.9', userAgent: 'vitest' }) {
  const { token, sessionId } = await createSession({ userId, context });
  const cookie = await encode({ token: { sub: userId, sid: token }, secret: process.env.NEXTAUTH_SECRET! });
  return { cookie, sessionId, sessionToken: token };
}

/** A `next/headers` module whose cookie jar holds `jar.cookie` (null: signed out). */
export function headersModule(jar: { cookie: string | null }) {
  return {
    headers: async () => new Headers({ 'user-agent': 'vitest', 'x-forwarded-for': '203.0.113.9' }),
    cookies: async () => ({
      get: (name: string) =>
        name === 'next-auth.session-token' && jar.cookie ? { name, value: jar.cookie } : undefined,
    }),
  };
}
