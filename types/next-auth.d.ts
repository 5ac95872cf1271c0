import type { DefaultSession } from 'next-auth';

declare module 'next-auth' {
  interface Session {
    user?: DefaultSession['user'] & { id?: string };
  }
}

declare module 'next-auth/jwt' {
  interface JWT {
    /** The server-side session's token (its hash is the row's key); never sent to the browser's scripts. */
    sid?: string;
  }
}
