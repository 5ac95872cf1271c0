import { ChevronRight } from 'lucide-react';
import type { ReactNode } from 'react';

/** A page's breadcrumb, title and lead paragraph, with optional actions on the right. */
export function PageHeader({
  section,
  title,
  description,
  actions,
}: {
  section: string;
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <header>
      <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-sm text-slate-500">
        <span>{section}</span>
        <ChevronRight className="size-3.5" aria-hidden />
        <span aria-current="page" className="text-slate-700">
          {title}
        </span>
      </nav>
      <div className="mt-2 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">{title}</h1>
          {description && <p className="mt-2 max-w-2xl text-sm text-slate-600">{description}</p>}
        </div>
        {actions}
      </div>
    </header>
  );
}
