import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { verifyUserCredentials } from '@/lib/data/users';
import { SIGN_IN_UNAVAILABLE, failedForDatabase } from '@/lib/db/availability';

const signInSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});

export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt', maxAge: 8 * 60 * 60 },
  pages: { signIn: '/sign-in' },
  providers: [
    CredentialsProvider({
      name: 'Email and password',
      credentials: { email: { label: 'Email', type: 'email' }, password: { label: 'Password', type: 'password' } },
      async authorize(credentials) {
        const parsed = signInSchema.safeParse(credentials);
        if (!parsed.success) return null;
        const startedAt = Date.now();
        try {
          return await verifyUserCredentials(parsed.data);
        } catch (error) {
          // Credentials that could not be checked are not wrong credentials: the form says so.
          if (failedForDatabase(error, startedAt)) throw new Error(SIGN_IN_UNAVAILABLE);
          throw error;
        }
      },
    }),
  ],
  callbacks: {
    // The token carries the user id only; roles and memberships are read fresh on each request.
    jwt({ token, user }) {
      if (user) token.sub = user.id;
      return token;
    },
    session({ session, token }) {
      if (session.user && token.sub) session.user.id = token.sub;
      return session;
    },
  },
};
