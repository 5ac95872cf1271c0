import { KeyRound } from 'lucide-react';

export function Logo() {
  return (
    <span className="inline-flex items-center gap-2 font-semibold text-slate-900">
      <span className="grid size-8 place-items-center rounded-lg bg-indigo-600 text-white">
        <KeyRound className="size-4" aria-hidden />
      </span>
      Customer Portal
    </span>
  );
}
