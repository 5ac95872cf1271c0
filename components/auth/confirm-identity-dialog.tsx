'use client';

import { startAuthentication, type PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/browser';
import { KeyRound } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogActions,
  DialogContent,
  DialogDescription,
  DialogError,
  DialogTitle,
} from '@/components/ui/dialog';
import { FieldError, Input } from '@/components/ui/input';
import { UNREACHABLE } from '@/components/actions/unreachable';
import type { Answer } from '@/components/actions/answer';

export interface ConfirmMethods {
  totp: boolean;
  passkey: boolean;
}

/**
 * The server actions that answer the dialog. The portal's layout passes them in (they live with its route,
 * app/(portal)/actions.ts), so this shared component imports nothing from app/.
 */
export interface ConfirmActions {
  confirm: (answer: unknown) => Promise<Answer>;
  passkeyOptions: () => Promise<Answer<{ options: PublicKeyCredentialRequestOptionsJSON; challengeToken: string }>>;
}

/** "Confirm it's you": password, authenticator code or passkey, then the caller retries its action. */
export function ConfirmIdentityDialog({
  open,
  methods,
  windowText,
  actions,
  onDone,
}: {
  open: boolean;
  methods: ConfirmMethods;
  windowText: string;
  actions: ConfirmActions;
  onDone: (confirmed: boolean) => void;
}) {
  const [use, setUse] = useState<'password' | 'totp'>('password');
  const [error, setError] = useState<{ message: string; fieldErrors?: Record<string, string> } | null>(null);
  // Plain state, not a transition: the action that asked for confirmation is itself waiting inside a
  // transition, and React would hold this dialog's updates until that one ends, which waits for this.
  const [pending, setPending] = useState(false);

  useEffect(() => {
    if (open) {
      setError(null);
      setUse('password');
    }
  }, [open]);

  function answer(
    run: () => Promise<{ ok: true } | { ok: false; message: string; fieldErrors?: Record<string, string> }>,
  ) {
    setError(null);
    setPending(true);
    void run()
      .catch(() => UNREACHABLE)
      .then((result) => {
        setPending(false);
        if (result.ok) onDone(true);
        else
          setError({ message: result.message, fieldErrors: 'fieldErrors' in result ? result.fieldErrors : undefined });
      });
  }

  function confirmWithPasskey() {
    answer(async () => {
      const started = await actions.passkeyOptions();
      if (!started.ok) return started;
      try {
        const response = await startAuthentication({ optionsJSON: started.options });
        return actions.confirm({ method: 'passkey', challengeToken: started.challengeToken, response });
      } catch {
        return { ok: false, message: 'The passkey was not used. Try again or use your password.' };
      }
    });
  }

  const field = use === 'password' ? 'password' : 'code';
  const fieldError = error?.fieldErrors?.[field];

  return (
    <Dialog open={open} onOpenChange={(next) => !next && !pending && onDone(false)}>
      <DialogContent>
        <DialogTitle>Confirm it&apos;s you</DialogTitle>
        <DialogDescription>
          This action needs a recent confirmation of your identity. You won&apos;t be asked again for {windowText}.
        </DialogDescription>
        <form
          className="mt-5"
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            const value = String(new FormData(event.currentTarget).get(field) ?? '');
            answer(() =>
              use === 'password'
                ? actions.confirm({ method: 'password', password: value })
                : actions.confirm({ method: 'totp', code: value }),
            );
          }}
        >
          <label htmlFor={`confirm-${field}`} className="block text-sm font-medium text-slate-700">
            {use === 'password' ? 'Password' : 'Authentication code'}
          </label>
          <Input
            key={field}
            id={`confirm-${field}`}
            name={field}
            type={use === 'password' ? 'password' : 'text'}
            autoComplete={use === 'password' ? 'current-password' : 'one-time-code'}
            inputMode={use === 'password' ? undefined : 'numeric'}
            autoFocus
            className="mt-1.5"
            aria-invalid={!!fieldError}
            aria-describedby={`confirm-${field}-error`}
          />
          <FieldError id={`confirm-${field}-error`} message={fieldError} />
          {(methods.totp || methods.passkey) && (
            <div className="mt-1 flex flex-wrap gap-x-4 gap-y-2 text-sm">
              {methods.totp && (
                <button
                  type="button"
                  className="font-medium text-indigo-700 hover:underline"
                  onClick={() => {
                    setError(null);
                    setUse(use === 'password' ? 'totp' : 'password');
                  }}
                >
                  {use === 'password' ? 'Use an authentication code instead' : 'Use your password instead'}
                </button>
              )}
            </div>
          )}
          <DialogError message={error && !error.fieldErrors ? error.message : null} />
          <DialogActions>
            <Button variant="secondary" onClick={() => onDone(false)} disabled={pending}>
              Cancel
            </Button>
            {methods.passkey && (
              <Button variant="secondary" onClick={confirmWithPasskey} disabled={pending}>
                <KeyRound className="size-4" aria-hidden />
                Use passkey
              </Button>
            )}
            <Button type="submit" disabled={pending}>
              {pending ? 'Confirming…' : 'Confirm'}
            </Button>
          </DialogActions>
        </form>
      </DialogContent>
    </Dialog>
  );
}
