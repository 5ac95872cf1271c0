'use client';

import { signIn, signOut } from 'next-auth/react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState, useTransition } from 'react';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/input';
import { SIGN_IN_UNAVAILABLE } from '@/lib/db/availability';
import { acceptInvitationAction } from './actions';

/** Kept for the tab while the invitee signs in first (the fragment does not survive the sign-in page). */
const STORED = 'invitation-token';

interface Invitation {
  organizationName: string;
  email: string;
  role: 'ADMIN' | 'VIEWER';
  invitedByName: string | null;
  expiresAt: string;
  accountExists: boolean;
}

type View =
  | { kind: 'loading' }
  | { kind: 'closed'; message: string }
  | { kind: 'open'; token: string; invitation: Invitation };

interface Answer {
  status?: string;
  message?: string;
  fieldErrors?: Record<string, string>;
  invitation?: Invitation;
}

async function post(path: string, body: object): Promise<Answer> {
  try {
    const response = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json().catch(() => ({ message: UNREACHABLE.message }))) as Answer;
  } catch {
    return { message: UNREACHABLE.message };
  }
}

/** The token from the link's fragment (then taken out of the address bar), or the one kept for this tab. */
function readToken(): string | null {
  const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('token');
  if (fromLink) {
    sessionStorage.setItem(STORED, fromLink);
    window.history.replaceState(null, '', window.location.pathname);
    return fromLink;
  }
  return sessionStorage.getItem(STORED);
}

export function AcceptInvitation({ signedInEmail }: { signedInEmail: string | null }) {
  const [view, setView] = useState<View>({ kind: 'loading' });

  useEffect(() => {
    const token = readToken();
    if (!token) {
      setView({ kind: 'closed', message: 'Open this page from the link in your invitation email.' });
      return;
    }
    void post('/api/auth/invitation/lookup', { token }).then((answer) => {
      if (answer.status === 'open' && answer.invitation)
        setView({ kind: 'open', token, invitation: answer.invitation });
      else {
        if (answer.status) sessionStorage.removeItem(STORED);
        setView({ kind: 'closed', message: answer.message ?? UNREACHABLE.message });
      }
    });
  }, []);

  if (view.kind === 'loading')
    return (
      <>
        <h1 className="text-xl font-semibold">Accept invitation</h1>
        <p className="mt-2 text-sm text-slate-600" aria-live="polite">
          Opening your invitation…
        </p>
      </>
    );
  if (view.kind === 'closed')
    return (
      <>
        <h1 className="text-xl font-semibold">Accept invitation</h1>
        <p role="alert" className="mt-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {view.message}
        </p>
        <p className="mt-4 text-sm">
          <Link href="/sign-in" className="font-medium text-indigo-700 hover:underline">
            Go to sign in
          </Link>
        </p>
      </>
    );

  const { invitation, token } = view;
  const role = invitation.role === 'ADMIN' ? 'an admin' : 'a viewer';
  return (
    <>
      <h1 className="text-xl font-semibold">Join {invitation.organizationName}</h1>
      <p className="mt-2 text-sm text-slate-600">
        {invitation.invitedByName ?? 'An admin'} invited <span className="font-medium">{invitation.email}</span> to join
        as {role}.
      </p>
      {!invitation.accountExists ? (
        <NewAccountForm token={token} />
      ) : signedInEmail === invitation.email ? (
        <AcceptAsSignedIn token={token} />
      ) : (
        <SignInFirst invitation={invitation} signedInEmail={signedInEmail} />
      )}
    </>
  );
}

function done(router: ReturnType<typeof useRouter>) {
  sessionStorage.removeItem(STORED);
  router.replace('/credentials');
  router.refresh();
}

/** A new person: their name and a password, then they are signed in. */
function NewAccountForm({ token }: { token: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<Answer | null>(null);

  function submit(form: FormData) {
    setError(null);
    startTransition(async () => {
      const answer = await post('/api/auth/invitation', {
        token,
        name: String(form.get('name') ?? ''),
        password: String(form.get('password') ?? ''),
      });
      if (answer.status !== 'verified') {
        setError(answer);
        return;
      }
      const result = await signIn('credentials', { redirect: false });
      if (result?.ok && !result.error) done(router);
      else if (result?.error === SIGN_IN_UNAVAILABLE)
        setError({ message: "Your account was made, but we can't reach the service right now. Sign in in a moment." });
      else setError({ message: 'Your account was made. Sign in with your email and password to continue.' });
    });
  }

  return (
    <form
      className="mt-6 space-y-1"
      onSubmit={(event) => {
        event.preventDefault();
        submit(new FormData(event.currentTarget));
      }}
    >
      <Field
        id="invitation-name"
        name="name"
        label="Name"
        autoComplete="name"
        maxLength={100}
        required
        autoFocus
        error={error?.fieldErrors?.name}
      />
      <Field
        id="invitation-password"
        name="password"
        type="password"
        label="Password"
        hint="At least 12 characters."
        autoComplete="new-password"
        minLength={12}
        maxLength={256}
        required
        error={error?.fieldErrors?.password}
      />
      {error && !error.fieldErrors && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error.message}
        </p>
      )}
      <Button type="submit" className="mt-2 w-full" disabled={pending}>
        Accept invitation
      </Button>
    </form>
  );
}

/** The invited account is the one signed in: one click joins. */
function AcceptAsSignedIn({ token }: { token: string }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="mt-6">
      {error && (
        <p role="alert" className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          {error}
        </p>
      )}
      <Button
        className="w-full"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acceptInvitationAction({ token }).catch(() => UNREACHABLE);
            if (result.ok) done(router);
            else setError(result.message);
          })
        }
      >
        Accept invitation
      </Button>
    </div>
  );
}

/** An account with this email exists: its owner signs in with it (and comes back here), or signs out first. */
function SignInFirst({ invitation, signedInEmail }: { invitation: Invitation; signedInEmail: string | null }) {
  return (
    <div className="mt-6 space-y-4 text-sm text-slate-700">
      {signedInEmail ? (
        <>
          <p>
            You are signed in as <span className="font-medium">{signedInEmail}</span>. Sign out, then sign in as{' '}
            {invitation.email} to accept.
          </p>
          <Button
            className="w-full"
            onClick={() => signOut({ callbackUrl: `/sign-in?callbackUrl=${encodeURIComponent('/invitation')}` })}
          >
            Sign out
          </Button>
        </>
      ) : (
        <>
          <p>You already have an account with this email. Sign in with it to accept the invitation.</p>
          <Button asChild className="w-full">
            <Link href={`/sign-in?callbackUrl=${encodeURIComponent('/invitation')}`}>Sign in to accept</Link>
          </Button>
        </>
      )}
    </div>
  );
}
