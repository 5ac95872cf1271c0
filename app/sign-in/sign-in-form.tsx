'use client';

import { startAuthentication } from '@simplewebauthn/browser';
import { KeyRound } from 'lucide-react';
import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';
import { SIGN_IN_UNAVAILABLE } from '@/lib/db/availability';
import { UNREACHABLE } from '@/components/actions/unreachable';

interface Methods {
  totp: boolean;
  passkey: boolean;
  recovery: boolean;
}

type Step =
  | { kind: 'password' }
  | { kind: 'sso' }
  | { kind: 'second_factor'; methods: Methods; use: 'totp' | 'recovery' };

interface StepResponse {
  status?: 'verified' | 'second_factor' | 'invalid' | 'expired' | 'throttled' | 'busy' | 'sso_required' | 'redirect';
  methods?: Methods;
  message?: string;
  /** Single sign-on: the identity provider's address to send the browser to. */
  url?: string;
}

export type SsoReturn = { kind: 'verified' } | { kind: 'second_factor'; methods: Methods } | null;

async function post(path: string, body: object): Promise<StepResponse> {
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json().catch(() => ({ message: UNREACHABLE.message }))) as StepResponse;
  } catch {
    return { message: UNREACHABLE.message };
  }
}

export function SignInForm({
  callbackUrl,
  ssoReturn = null,
  ssoError = null,
}: {
  callbackUrl: string;
  ssoReturn?: SsoReturn;
  ssoError?: string | null;
}) {
  const router = useRouter();
  const [step, setStep] = useState<Step>(
    ssoReturn?.kind === 'second_factor'
      ? { kind: 'second_factor', methods: ssoReturn.methods, use: firstMethod(ssoReturn.methods) }
      : { kind: ssoError ? 'sso' : 'password' },
  );
  const [error, setError] = useState<string | null>(ssoError);
  const [pending, startTransition] = useTransition();
  const finishedSso = useRef(false);
  const finishRef = useRef(finish);
  finishRef.current = finish;

  // Back from the identity provider with a verified sign-in: finish it exactly as after a right password.
  useEffect(() => {
    if (ssoReturn?.kind !== 'verified' || finishedSso.current) return;
    finishedSso.current = true;
    startTransition(() => finishRef.current());
  }, [ssoReturn?.kind]);

  /** Turns a verified sign-in into the session cookie, then opens the page the user asked for. */
  async function finish() {
    const result = await signIn('credentials', { redirect: false });
    if (result?.ok && !result.error) {
      router.replace(callbackUrl);
      router.refresh();
    } else if (result?.error === SIGN_IN_UNAVAILABLE) {
      setError("We can't reach the service right now, so your sign-in could not be completed. Try again in a moment.");
    } else {
      setStep({ kind: 'password' });
      setError('Your sign-in has expired. Enter your email and password again.');
    }
  }

  async function handle(response: StepResponse) {
    if (response.status === 'verified') return finish();
    if (response.status === 'second_factor' && response.methods) {
      setStep({ kind: 'second_factor', methods: response.methods, use: firstMethod(response.methods) });
      return;
    }
    if (response.status === 'redirect' && response.url) {
      window.location.assign(response.url);
      return;
    }
    if (response.status === 'expired') setStep({ kind: 'password' });
    setError(response.message ?? UNREACHABLE.message);
  }

  function submitPassword(form: FormData) {
    setError(null);
    startTransition(async () => {
      await handle(
        await post('/api/auth/sign-in', {
          email: String(form.get('email') ?? ''),
          password: String(form.get('password') ?? ''),
        }),
      );
    });
  }

  function submitSso(form: FormData) {
    setError(null);
    startTransition(async () => {
      await handle(await post('/api/auth/sso/start', { email: String(form.get('email') ?? ''), callbackUrl }));
    });
  }

  function submitCode(form: FormData, method: 'totp' | 'recovery') {
    setError(null);
    startTransition(async () => {
      await handle(await post('/api/auth/second-factor', { method, code: String(form.get('code') ?? '') }));
    });
  }

  function signInWithPasskey() {
    setError(null);
    startTransition(async () => {
      const started = (await post('/api/auth/second-factor/passkey', {})) as StepResponse & {
        options?: Parameters<typeof startAuthentication>[0]['optionsJSON'];
      };
      if (!started.options) return handle(started);
      let response: unknown;
      try {
        response = await startAuthentication({ optionsJSON: started.options });
      } catch {
        setError('The passkey was not used. Try again or use another method.');
        return;
      }
      await handle(await post('/api/auth/second-factor', { method: 'passkey', response }));
    });
  }

  const errorBox = (
    <p id="sign-in-error" role="alert" aria-live="polite" className="min-h-5 text-sm text-red-700">
      {error}
    </p>
  );

  if (step.kind === 'sso') {
    return (
      <form
        className="mt-6 space-y-4"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submitSso(new FormData(event.currentTarget));
        }}
      >
        <div>
          <h2 className="text-base font-semibold text-slate-900">Single sign-on</h2>
          <p className="mt-1 text-sm text-slate-600">
            Enter your work email. We send you to your organization’s identity provider to sign in.
          </p>
        </div>
        <div>
          <label htmlFor="sso-email" className="block text-sm font-medium text-slate-700">
            Email
          </label>
          <Input
            id="sso-email"
            name="email"
            type="email"
            autoComplete="username"
            required
            autoFocus
            className="mt-1.5"
            aria-describedby={error ? 'sign-in-error' : undefined}
          />
        </div>
        {errorBox}
        <Button type="submit" className="w-full justify-center" disabled={pending}>
          {pending ? 'Continuing…' : 'Continue'}
        </Button>
        <button
          type="button"
          className="text-sm font-medium text-indigo-700 hover:underline"
          onClick={() => {
            setError(null);
            setStep({ kind: 'password' });
          }}
        >
          Sign in with a password instead
        </button>
      </form>
    );
  }

  if (step.kind === 'second_factor') {
    const { methods, use } = step;
    const codeLabel = use === 'totp' ? 'Authentication code' : 'Recovery code';
    return (
      <div className="mt-6 space-y-4">
        <div>
          <h2 className="text-base font-semibold text-slate-900">Two-factor authentication</h2>
          <p className="mt-1 text-sm text-slate-600">
            {use === 'totp'
              ? methods.totp
                ? 'Enter the 6-digit code from your authenticator app.'
                : 'Use your passkey or security key to finish signing in.'
              : 'Enter one of the recovery codes you saved. Each code works once.'}
          </p>
        </div>
        {methods.passkey && (
          <Button
            className="w-full justify-center"
            variant={methods.totp ? 'secondary' : 'primary'}
            onClick={signInWithPasskey}
            disabled={pending}
          >
            <KeyRound className="size-4" aria-hidden />
            Use passkey
          </Button>
        )}
        {(use === 'recovery' || methods.totp) && (
          <form
            key={use}
            className="space-y-4"
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              submitCode(new FormData(event.currentTarget), use);
            }}
          >
            <div>
              <label htmlFor="code" className="block text-sm font-medium text-slate-700">
                {codeLabel}
              </label>
              <Input
                id="code"
                name="code"
                className="mt-1.5"
                autoComplete="one-time-code"
                inputMode={use === 'totp' ? 'numeric' : 'text'}
                autoFocus
                required
                aria-describedby={error ? 'sign-in-error' : undefined}
                aria-invalid={error ? true : undefined}
              />
            </div>
            {errorBox}
            <Button type="submit" className="w-full justify-center" disabled={pending}>
              {pending ? 'Verifying…' : 'Verify'}
            </Button>
          </form>
        )}
        {use === 'totp' && !methods.totp && errorBox}
        <div className="flex flex-wrap justify-between gap-2 text-sm">
          {methods.recovery && use === 'totp' && (
            <button
              type="button"
              className="font-medium text-indigo-700 hover:underline"
              onClick={() => {
                setError(null);
                setStep({ ...step, use: 'recovery' });
              }}
            >
              Use a recovery code
            </button>
          )}
          {use === 'recovery' && (methods.totp || methods.passkey) && (
            <button
              type="button"
              className="font-medium text-indigo-700 hover:underline"
              onClick={() => {
                setError(null);
                setStep({ ...step, use: 'totp' });
              }}
            >
              {methods.totp ? 'Use your authenticator app' : 'Use your passkey'}
            </button>
          )}
          <button
            type="button"
            className="text-slate-600 hover:underline"
            onClick={() => {
              setError(null);
              setStep({ kind: 'password' });
            }}
          >
            Start over
          </button>
        </div>
      </div>
    );
  }

  return (
    // onSubmit rather than a form action: a form action resets the fields, and a mistyped password
    // should not cost the user their email too.
    <form
      className="mt-6 space-y-4"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submitPassword(new FormData(event.currentTarget));
      }}
    >
      <div>
        <label htmlFor="email" className="block text-sm font-medium text-slate-700">
          Email
        </label>
        <Input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          className="mt-1.5"
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium text-slate-700">
          Password
        </label>
        <Input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="mt-1.5"
          aria-describedby={error ? 'sign-in-error' : undefined}
        />
      </div>
      {errorBox}
      <Button type="submit" className="w-full justify-center" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
      <div className="relative py-1 text-center text-xs text-slate-500">
        <span className="bg-white px-2">or</span>
      </div>
      <Button
        type="button"
        variant="secondary"
        className="w-full justify-center"
        disabled={pending}
        onClick={() => {
          setError(null);
          setStep({ kind: 'sso' });
        }}
      >
        Continue with single sign-on
      </Button>
    </form>
  );
}

/** The second factor asked first: the authenticator app (or passkey) when there is one, else a recovery code. */
function firstMethod(methods: Methods): 'totp' | 'recovery' {
  return methods.totp || !methods.recovery ? 'totp' : 'recovery';
}
