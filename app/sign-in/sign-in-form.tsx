'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { SIGN_IN_UNAVAILABLE } from '@/lib/db/availability';

const inputClass =
  'mt-1.5 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none';

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(formData: FormData) {
    setError(null);
    startTransition(async () => {
      const result = await signIn('credentials', {
        email: String(formData.get('email') ?? ''),
        password: String(formData.get('password') ?? ''),
        redirect: false,
      });
      if (result?.ok && !result.error) {
        router.replace(callbackUrl);
        router.refresh();
      } else if (result?.error === SIGN_IN_UNAVAILABLE) {
        setError("We can't reach the service right now, so your password could not be checked. Try again in a moment.");
      } else {
        // One message for every failure: it must not reveal whether the email exists.
        setError('The email or password is incorrect.');
      }
    });
  }

  return (
    <form action={submit} className="mt-6 space-y-4" noValidate>
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <input id="email" name="email" type="email" autoComplete="username" required className={inputClass}
          aria-describedby={error ? 'sign-in-error' : undefined} />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className={inputClass}
          aria-describedby={error ? 'sign-in-error' : undefined} />
      </div>
      <p id="sign-in-error" role="alert" aria-live="polite" className="min-h-5 text-sm text-red-700">
        {error}
      </p>
      <Button type="submit" className="w-full justify-center" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
