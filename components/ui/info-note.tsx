import { Info } from 'lucide-react';
import type { ReactNode } from 'react';

/** A quiet note on a page: why something is missing or limited for this reader. */
export function InfoNote({ children }: { children: ReactNode }) {
  return (
    <p className="flex gap-3 rounded-lg bg-white p-4 text-sm text-slate-700 ring-1 ring-slate-200">
      <Info className="mt-0.5 size-4 shrink-0 text-indigo-600" aria-hidden />
      <span>{children}</span>
    </p>
  );
}
