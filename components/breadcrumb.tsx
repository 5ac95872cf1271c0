import { ChevronRight } from 'lucide-react';
import Link from 'next/link';

/** Where a page sits: its section (a link when it has a page) and the page itself, last and current. */
export function Breadcrumb({
  trail,
  current,
  currentClassName = '',
}: {
  trail: readonly { label: string; href?: string }[];
  current: string;
  /** A long current label (a URL, a name) is cut to the width given here. */
  currentClassName?: string;
}) {
  return (
    <nav aria-label="Breadcrumb" className="flex flex-wrap items-center gap-1 text-sm text-slate-500">
      {trail.map((step) => (
        <span key={step.label} className="flex items-center gap-1">
          {step.href ? (
            <Link href={step.href} className="hover:text-slate-700 hover:underline">
              {step.label}
            </Link>
          ) : (
            <span>{step.label}</span>
          )}
          <ChevronRight className="size-3.5" aria-hidden />
        </span>
      ))}
      <span aria-current="page" className={`text-slate-700 ${currentClassName}`.trim()}>
        {current}
      </span>
    </nav>
  );
}
