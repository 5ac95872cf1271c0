import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { completeSignIn } from '@/lib/auth/sign-in';
import { SIGN_IN_COOKIE, readBrowserToken, readCookie } from '@/lib/auth/sign-in-cookie';
import { endSessionByToken, SESSION_LIFETIME_SECONDS } from '@/lib/data/sessions';
import { clientAddress } from '@/lib/http/client-address';
import { SIGN_IN_UNAVAILABLE, failedForDatabase } from '@/lib/db/availability';

function header(headers: Record<string, unknown> | undefined, name: string): string | null {
  const value = headers?.[name];
  return typeof value === 'string' ? value : null;
}

export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt', maxAge: SESSION_LIFETIME_SECONDS },
  pages: { signIn: '/sign-in' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: {},
      // The password and second factor were checked by /api/auth/sign-in (throttled, capped); this only
      // turns the verified sign-in its httpOnly cookie names into a session, once.
      async authorize(_credentials, req) {
        const token = readCookie(header(req.headers, 'cookie'), SIGN_IN_COOKIE);
        if (!token) return null;
        const context = {
          address: clientAddress({ headers: req.headers ?? {} }),
          userAgent: header(req.headers, 'user-agent'),
        };
        const startedAt = Date.now();
        try {
          const browser = readBrowserToken(header(req.headers, 'cookie'));
          const signedIn = await completeSignIn({ token, context, browser });
          return signedIn ? { id: signedIn.userId, sessionToken: signedIn.sessionToken } : null;
        } catch (error) {
          // A sign-in that could not be completed is not a wrong one: the form says so.
          if (failedForDatabase(error, startedAt)) throw new Error(SIGN_IN_UNAVAILABLE);
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    // The encrypted cookie carries the user id and the server-side session's token; roles, memberships
    // and whether the session is still live are read from the database on each request.
    jwt({ token, user }) {
      if (user) {
        token.sub = user.id;
        token.sid = (user as { sessionToken?: string }).sessionToken;
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
  events: {
    async signOut({ token }) {
      if (typeof token?.sid === 'string') await endSessionByToken({ token: token.sid });
    },
  },
};
