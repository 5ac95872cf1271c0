'use client';

import { CheckCircle2, TriangleAlert } from 'lucide-react';
import { LocalTime } from '@/components/local-time';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';
import { ShowOnceActions } from '@/components/ui/show-once-actions';

export interface ShownSecret {
  url: string;
  secret: string;
  /** Set after a roll: the previous secret keeps signing until then. */
  previousSecretUntil?: string;
}

/** Shows an endpoint's signing secret the one time it exists in the browser: after adding or rolling. */
export function SigningSecretDialog({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  return (
    <Dialog open={shown !== null} onOpenChange={(open) => !open && onClose()}>
      {shown && (
        // A stray click outside must not throw away a value that can never be shown again.
        <DialogContent
          onInteractOutside={(event) => event.preventDefault()}
          className="max-h-[calc(100dvh-2rem)] overflow-y-auto"
        >
          <div className="flex items-start gap-3">
            <CheckCircle2 className="mt-0.5 size-6 shrink-0 text-emerald-600" aria-hidden />
            <div className="min-w-0">
              <DialogTitle>{shown.previousSecretUntil ? 'New signing secret' : 'Endpoint added'}</DialogTitle>
              <DialogDescription>
                Your receiver at <span className="font-mono wrap-anywhere text-slate-900">{shown.url}</span> verifies
                each message&apos;s <span className="font-mono">webhook-signature</span> header with this signing
                secret.
              </DialogDescription>
            </div>
          </div>

          <div
            data-testid="signing-secret"
            className="mt-5 rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm break-all text-slate-50 select-all"
          >
            {shown.secret}
          </div>

          <p className="mt-4 flex gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-600/20">
            <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>
              Save the signing secret now. You can&apos;t read it again after you close this window.{' '}
              {shown.previousSecretUntil && (
                <>
                  Until <LocalTime iso={shown.previousSecretUntil} />, every message is also signed with the previous
                  secret, so your receiver can switch in the meantime.
                </>
              )}
            </span>
          </p>

          <ShowOnceActions value={shown.secret} filename={`webhook-signing-secret-${shown.secret.slice(-4)}.txt`} />
        </DialogContent>
      )}
    </Dialog>
  );
}
