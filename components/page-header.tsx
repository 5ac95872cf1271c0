import type { ReactNode } from 'react';
import { Breadcrumb } from '@/components/breadcrumb';

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
      <Breadcrumb trail={[{ label: section }]} current={title} />
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
