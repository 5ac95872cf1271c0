import type { Metadata } from 'next';
import { Logo } from '@/components/logo';
import { getActor } from '@/lib/auth/session';
import { AcceptInvitation } from './accept-invitation';

export const metadata: Metadata = { title: 'Accept invitation' };

/**
 * Where an invitation's link leads. The token is in the link's fragment, which the browser keeps to itself:
 * the page reads it and asks what it opens with a POST, so the token is in no URL a server sees.
 */
export default async function InvitationPage() {
  const actor = await getActor();
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-900/5 sm:p-8">
          <AcceptInvitation signedInEmail={actor?.email ?? null} />
        </div>
      </div>
    </main>
  );
}
