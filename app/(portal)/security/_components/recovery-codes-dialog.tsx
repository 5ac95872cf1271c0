'use client';

import { KeyRound, TriangleAlert } from 'lucide-react';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';
import { ShowOnceActions } from '@/components/ui/show-once-actions';

/** Shows new recovery codes the one time they can be read, like a new secret. */
export function RecoveryCodesDialog({ codes, onClose }: { codes: string[] | null; onClose: () => void }) {
  return (
    <Dialog open={codes !== null} onOpenChange={(open) => !open && onClose()}>
      {codes && (
        // A stray click outside must not throw away codes that can never be shown again.
        <DialogContent
          onInteractOutside={(event) => event.preventDefault()}
          className="max-h-[calc(100dvh-2rem)] overflow-y-auto"
        >
          <div className="flex items-start gap-3">
            <KeyRound className="mt-0.5 size-6 shrink-0 text-indigo-600" aria-hidden />
            <div className="min-w-0">
              <DialogTitle>Save your recovery codes</DialogTitle>
              <DialogDescription>
                Each code signs you in once if you lose your authenticator app or passkey. Keep them somewhere safe.
              </DialogDescription>
            </div>
          </div>
          <ul
            aria-label="Recovery codes"
            data-testid="recovery-codes"
            className="mt-5 grid grid-cols-2 gap-x-6 gap-y-1.5 rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm text-slate-50 select-all"
          >
            {codes.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ul>
          <p className="mt-4 flex gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-600/20">
            <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>
              Save them now. You can&apos;t see these codes again after you close this window; you can only make new
              ones.
            </span>
          </p>
          <ShowOnceActions value={`${codes.join('\n')}\n`} filename="recovery-codes.txt" />
        </DialogContent>
      )}
    </Dialog>
  );
}
