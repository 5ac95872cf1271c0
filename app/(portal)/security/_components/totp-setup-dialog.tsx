'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
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
import { beginTotpSetupAction, confirmTotpSetupAction } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';

type Setup = { secret: string; uri: string; qrCode: string };

/** "Set up" → a new key as a QR code and as text → a code from the app confirms it. */
export function TotpSetupButton({ onEnrolled }: { onEnrolled: (recoveryCodes: string[] | null) => void }) {
  const [open, setOpen] = useState(false);
  const [setup, setSetup] = useState<Setup | null>(null);
  const [code, setCode] = useState('');
  const start = useDialogAction();
  const confirm = useDialogAction();
  const codeError = confirm.error?.fieldErrors?.code;

  function openDialog() {
    setOpen(true);
    setSetup(null);
    setCode('');
    confirm.setError(null);
    start.run(beginTotpSetupAction, (result) =>
      setSetup({ secret: result.secret, uri: result.uri, qrCode: result.qrCode }),
    );
  }

  return (
    <>
      <Button size="sm" onClick={openDialog}>
        Set up
      </Button>
      <Dialog open={open} onOpenChange={(next) => !confirm.pending && setOpen(next)}>
        <DialogContent className="max-h-[calc(100dvh-2rem)] overflow-y-auto">
          <DialogTitle>Set up an authenticator app</DialogTitle>
          <DialogDescription>
            Scan the QR code with an authenticator app (such as 1Password, Google Authenticator or Microsoft
            Authenticator), then enter the 6-digit code it shows.
          </DialogDescription>
          <DialogError message={start.error?.message} />
          {setup ? (
            <form
              onSubmit={(event) => {
                event.preventDefault();
                confirm.run(
                  () => confirmTotpSetupAction({ code }),
                  (result) => {
                    setOpen(false);
                    onEnrolled(result.recoveryCodes);
                  },
                );
              }}
            >
              <div className="mt-5 flex flex-col items-center gap-4 sm:flex-row sm:items-start">
                {/* biome-ignore lint/performance/noImgElement: a data URL rendered on the server; nothing to optimise */}
                <img
                  src={setup.qrCode}
                  alt="QR code of the authenticator app key"
                  width={160}
                  height={160}
                  className="size-40 shrink-0 rounded-lg ring-1 ring-slate-200"
                />
                <div className="min-w-0 flex-1 text-sm text-slate-700">
                  <p id="totp-key-label">Can&apos;t scan it? Enter this key in the app instead:</p>
                  <p
                    data-testid="totp-secret"
                    className="mt-2 rounded-md bg-slate-100 px-3 py-2 font-mono text-sm break-all text-slate-900 select-all"
                  >
                    {/* Groups of four are easier to type; apps ignore the spaces, and Copy gives the key without them. */}
                    {setup.secret.match(/.{1,4}/g)?.join(' ')}
                  </p>
                  <div className="mt-2">
                    <CopyButton value={setup.secret} label="Copy key" />
                  </div>
                </div>
              </div>
              <label htmlFor="totp-code" className="mt-5 block text-sm font-medium text-slate-700">
                Authentication code
              </label>
              <Input
                id="totp-code"
                className="mt-1.5 max-w-48 font-mono tracking-widest"
                inputMode="numeric"
                autoComplete="one-time-code"
                maxLength={7}
                value={code}
                onChange={(event) => setCode(event.target.value)}
                aria-invalid={!!codeError}
                aria-describedby="totp-code-error"
                required
              />
              <FieldError id="totp-code-error" message={codeError} />
              <DialogError message={codeError ? null : confirm.error?.message} />
              <DialogActions>
                <DialogClose asChild>
                  <Button variant="secondary" disabled={confirm.pending}>
                    Cancel
                  </Button>
                </DialogClose>
                <Button type="submit" disabled={confirm.pending}>
                  Verify
                </Button>
              </DialogActions>
            </form>
          ) : (
            !start.error && (
              <p role="status" className="mt-5 text-sm text-slate-500">
                Preparing a new key…
              </p>
            )
          )}
        </DialogContent>
      </Dialog>
    </>
  );
}
