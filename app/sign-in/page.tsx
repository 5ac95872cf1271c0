import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Logo } from '@/components/logo';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';
import { getActor } from '@/lib/auth/session';
import { SignInForm } from './sign-in-form';
import { env } from '@/lib/env';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await getActor()) redirect('/credentials');
  const { callbackUrl } = await searchParams;
  // Only the portal's own paths: never redirect to another origin after sign-in.
  const next = safeCallbackPath(callbackUrl, env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`);

  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-900/5 sm:p-8">
          <h1 className="text-xl font-semibold">Sign in</h1>
          <p className="mt-1 text-sm text-slate-600">Use the email and password of your portal account.</p>
          <SignInForm callbackUrl={next} />
        </div>
      </div>
    </main>
  );
}
