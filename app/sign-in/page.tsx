import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { Logo } from '@/components/logo';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';
import { getActor } from '@/lib/auth/session';
import { SignInForm } from './sign-in-form';
import { env } from '@/lib/env';
import { ssoErrorMessage } from '@/lib/sso/rules';

export const metadata: Metadata = { title: 'Sign in' };

interface SearchParams {
  callbackUrl?: string;
  /** Back from single sign-on: `verified`, or `second_factor` with the `methods` the person has. */
  sso?: string;
  methods?: string;
  /** Back from single sign-on without a sign-in: a code of lib/sso/rules.ts (never text to show). */
  sso_error?: string;
}

/** What the identity provider's return asks the form to do; the cookie it set decides whether it works. */
function ssoReturnOf({ sso, methods = '' }: SearchParams) {
  if (sso === 'verified') return { kind: 'verified' as const };
  if (sso !== 'second_factor') return null;
  const list = methods.split(',');
  return {
    kind: 'second_factor' as const,
    methods: { totp: list.includes('totp'), passkey: list.includes('passkey'), recovery: list.includes('recovery') },
  };
}

export default async function SignInPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  if (await getActor()) redirect('/credentials');
  const params = await searchParams;
  const { callbackUrl } = params;
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
          <p className="mt-1 text-sm text-slate-600">
            Use the email and password of your portal account, or your organization’s single sign-on.
          </p>
          <SignInForm callbackUrl={next} ssoReturn={ssoReturnOf(params)} ssoError={ssoErrorMessage(params.sso_error)} />
        </div>
      </div>
    </main>
  );
}
