'use client';

import type { ReactNode } from 'react';
import { CheckCircle2, TriangleAlert } from 'lucide-react';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';

/**
 * The dialog that shows a value the one time it exists in the browser (a new secret, a signing secret):
 * the value in `testId`, a warning that it cannot be read again, then whatever the caller adds (fields,
 * the Copy / Download / Close actions). A stray click outside does not close it.
 */
export function ShowOnceDialog({
  open,
  onClose,
  title,
  description,
  value,
  testId,
  warning,
  children,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description: ReactNode;
  value: string;
  testId: string;
  warning: ReactNode;
  children: ReactNode;
}) {
  return (
    <Dialog open={open} onOpenChange={(next) => !next && onClose()}>
      {open && (
        <DialogContent
          onInteractOutside={(event) => event.preventDefault()}
          className="max-h-[calc(100dvh-2rem)] overflow-y-auto"
        >
          <div className="flex items-start gap-3">
            <CheckCircle2 className="mt-0.5 size-6 shrink-0 text-emerald-600" aria-hidden />
            <div className="min-w-0">
              <DialogTitle>{title}</DialogTitle>
              <DialogDescription>{description}</DialogDescription>
            </div>
          </div>

          <div
            data-testid={testId}
            className="mt-5 rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm break-all text-slate-50 select-all"
          >
            {value}
          </div>

          <p className="mt-4 flex gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-600/20">
            <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>{warning}</span>
          </p>

          {children}
        </DialogContent>
      )}
    </Dialog>
  );
}
