'use client';

import { CheckCircle2, Download, TriangleAlert } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';

export interface CreatedSecret {
  preview: string;
  value: string;
}

function download(secret: CreatedSecret) {
  // A Blob URL names an in-memory object, not the value; it is revoked right after the click.
  const url = URL.createObjectURL(new Blob([secret.value], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `client-secret-${secret.value.slice(-4)}.txt`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function SecretCreatedDialog({ secret, onClose }: { secret: CreatedSecret | null; onClose: () => void }) {
  return (
    <Dialog open={secret !== null} onOpenChange={(open) => !open && onClose()}>
      {secret && (
        // A stray click outside must not throw away a value that can never be shown again.
        <DialogContent onInteractOutside={(event) => event.preventDefault()}>
          <div className="flex items-start gap-3">
            <CheckCircle2 className="mt-0.5 size-6 shrink-0 text-emerald-600" aria-hidden />
            <div className="min-w-0">
              <DialogTitle>New secret created</DialogTitle>
              <DialogDescription>
                Copy it to your clipboard or download it as a text file, and keep it somewhere safe.
              </DialogDescription>
            </div>
          </div>

          <div
            data-testid="secret-value"
            className="mt-5 rounded-lg bg-slate-900 px-4 py-3 font-mono text-sm break-all text-slate-50 select-all"
          >
            {secret.value}
          </div>

          <p className="mt-4 flex gap-2 rounded-lg bg-amber-50 px-3 py-2.5 text-sm text-amber-900 ring-1 ring-amber-600/20">
            <TriangleAlert className="mt-0.5 size-4 shrink-0" aria-hidden />
            <span>
              Save your secret now. You can&apos;t read the secret&apos;s value again after you close this window. It is
              created <strong>disabled</strong>: activate it from its row before you use it.
            </span>
          </p>

          <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:items-center sm:justify-between">
            <div className="flex flex-wrap items-center gap-2">
              <CopyButton value={secret.value} />
              <Button variant="secondary" size="sm" onClick={() => download(secret)}>
                <Download className="size-4" aria-hidden />
                Download
              </Button>
            </div>
            <DialogClose asChild>
              <Button>Close</Button>
            </DialogClose>
          </div>
        </DialogContent>
      )}
    </Dialog>
  );
}
