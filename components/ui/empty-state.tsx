import type { LucideIcon } from 'lucide-react';
import type { ReactNode } from 'react';

/** What a list shows while it has nothing in it: an icon, what is missing, and how to add the first one. */
export function EmptyState({ icon: Icon, title, children }: { icon: LucideIcon; title: string; children: ReactNode }) {
  return (
    <div className="flex flex-col items-center px-6 py-12 text-center">
      <span className="grid size-10 place-items-center rounded-full bg-slate-100 text-slate-500">
        <Icon className="size-5" aria-hidden />
      </span>
      <p className="mt-3 text-sm font-medium text-slate-900">{title}</p>
      <p className="mt-1 max-w-md text-sm text-slate-600">{children}</p>
    </div>
  );
}
