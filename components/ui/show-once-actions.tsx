'use client';

import { Download } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { DialogClose } from '@/components/ui/dialog';
import { downloadText } from '@/components/ui/download';

/** The foot of a show-once dialog (a new secret, new recovery codes): Copy, Download, and Close. */
export function ShowOnceActions({ value, filename }: { value: string; filename: string }) {
  return (
    <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:items-center sm:justify-between">
      <div className="flex flex-wrap items-center gap-2">
        <CopyButton value={value} />
        <Button variant="secondary" size="sm" onClick={() => downloadText(filename, value)}>
          <Download className="size-4" aria-hidden />
          Download
        </Button>
      </div>
      <DialogClose asChild>
        <Button>Close</Button>
      </DialogClose>
    </div>
  );
}
