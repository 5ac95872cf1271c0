'use client';

import { signOut } from 'next-auth/react';
import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { endSessionAction, signOutEverywhereAction } from '../account-actions';
import { UNREACHABLE } from '@/components/actions/unreachable';

export function EndSessionButton({
  sessionId,
  current,
  label,
}: {
  sessionId: string;
  current: boolean;
  label: string;
}) {
  const [pending, startTransition] = useTransition();
  function end() {
    startTransition(async () => {
      const result = await endSessionAction({ sessionId }).catch(() => UNREACHABLE);
      if (!result.ok) toast.error(result.message);
      else if (result.current) await signOut({ callbackUrl: '/sign-in' });
      else toast.success('That session was signed out.');
    });
  }
  return (
    <Button
      variant="secondary"
      size="sm"
      onClick={end}
      disabled={pending}
      aria-label={`Sign out ${current ? 'this browser' : label}`}
    >
      Sign out
    </Button>
  );
}

/** Ends every session, this one too, after one confirmation. */
export function SignOutEverywhereButton({ count }: { count: number }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  function confirm() {
    setError(null);
    startTransition(async () => {
      const result = await signOutEverywhereAction().catch(() => UNREACHABLE);
      if (result.ok) await signOut({ callbackUrl: '/sign-in' });
      else setError(result.message);
    });
  }
  return (
    <>
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Sign out everywhere
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Sign out everywhere?"
        description={
          count === 1
            ? 'This ends your only session, here. You will need to sign in again.'
            : `This ends all ${count} of your sessions, this one included. Every browser will need to sign in again.`
        }
        pending={pending}
        error={error}
        confirmLabel="Sign out everywhere"
        onConfirm={confirm}
      />
    </>
  );
}
