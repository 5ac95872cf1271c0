import type { ReactNode } from 'react';

/** Labelled facts in a grid (an endpoint's or a request's details). */
export function DetailList({ items, className = '' }: { items: readonly [string, ReactNode][]; className?: string }) {
  return (
    <dl className={`grid gap-x-6 gap-y-4 p-4 sm:grid-cols-2 sm:p-6 lg:grid-cols-3 ${className}`}>
      {items.map(([label, value]) => (
        <div key={label} className="min-w-0">
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</dt>
          <dd className="mt-1 text-sm break-words text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
