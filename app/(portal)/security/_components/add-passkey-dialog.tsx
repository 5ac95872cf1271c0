'use client';

import { useState } from 'react';
import { startRegistration, WebAuthnError } from '@simplewebauthn/browser';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogActions,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogError,
  DialogTitle,
} from '@/components/ui/dialog';
import { FieldError, Input } from '@/components/ui/input';
import { finishPasskeyRegistrationAction, startPasskeyRegistrationAction, type SecurityActionResult } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';

/** The browser's part of the ceremony, with its refusals turned into sentences. */
async function register(name: string): Promise<SecurityActionResult<{ recoveryCodes: string[] | null }>> {
  const started = await startPasskeyRegistrationAction();
  if (!started.ok) return started;
  let response: Awaited<ReturnType<typeof startRegistration>>;
  try {
    response = await startRegistration({ optionsJSON: started.options });
  } catch (error) {
    const code = error instanceof WebAuthnError ? error.code : null;
    const message =
      code === 'ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED'
        ? 'This passkey is already registered.'
        : (error as Error).name === 'NotAllowedError'
          ? 'The passkey request was cancelled or timed out. Try again.'
          : 'This browser could not create a passkey. Try another browser or security key.';
    return { ok: false, message };
  }
  return finishPasskeyRegistrationAction({ ceremony: started.ceremony, name, response });
}

export function AddPasskeyButton({ onEnrolled }: { onEnrolled: (recoveryCodes: string[] | null) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const { pending, error, setError, run } = useDialogAction();

  return (
    <>
      <Button
        size="sm"
        onClick={() => {
          setName('');
          setNameError(null);
          setError(null);
          setOpen(true);
        }}
      >
        Add passkey
      </Button>
      <Dialog open={open} onOpenChange={(next) => !pending && setOpen(next)}>
        <DialogContent>
          <DialogTitle>Add a passkey</DialogTitle>
          <DialogDescription>
            Name it after the device or key, then follow your browser&apos;s prompt: Touch ID, Windows Hello, your
            phone, or a security key.
          </DialogDescription>
          <form
            className="mt-5"
            onSubmit={(event) => {
              event.preventDefault();
              const trimmed = name.trim();
              if (trimmed.length < 1 || trimmed.length > 64) {
                setNameError('Give the passkey a name of 1 to 64 characters.');
                return;
              }
              setNameError(null);
              run(
                () => register(trimmed),
                (result) => {
                  setOpen(false);
                  onEnrolled(result.recoveryCodes);
                },
              );
            }}
          >
            <label htmlFor="passkey-name" className="block text-sm font-medium text-slate-700">
              Name
            </label>
            <Input
              id="passkey-name"
              className="mt-1.5"
              value={name}
              maxLength={64}
              placeholder="Work laptop"
              onChange={(event) => setName(event.target.value)}
              aria-invalid={!!nameError}
              aria-describedby="passkey-name-error"
            />
            <FieldError id="passkey-name-error" message={nameError} />
            <DialogError message={error?.message} />
            <DialogActions>
              <DialogClose asChild>
                <Button variant="secondary" disabled={pending}>
                  Cancel
                </Button>
              </DialogClose>
              <Button type="submit" disabled={pending}>
                {pending ? 'Waiting for your passkey…' : 'Continue'}
              </Button>
            </DialogActions>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
