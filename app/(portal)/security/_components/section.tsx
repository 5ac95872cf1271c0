import type { ReactNode } from 'react';

/** One card of the Security page, named by its heading. */
export function SecuritySection({
  id,
  title,
  description,
  action,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  action?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <section aria-labelledby={`${id}-heading`} className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-start sm:justify-between sm:px-6">
        <div className="min-w-0">
          <h2 id={`${id}-heading`} className="text-base font-semibold text-slate-900">
            {title}
          </h2>
          {description && <div className="mt-1 max-w-2xl text-sm text-slate-600">{description}</div>}
        </div>
        {action && <div className="flex shrink-0 flex-wrap gap-2">{action}</div>}
      </div>
      {children}
    </section>
  );
}
