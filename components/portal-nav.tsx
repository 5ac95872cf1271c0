'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { cn } from '@/lib/utils';
import { Activity, Building2, KeyRound, ListOrdered, ScrollText, ShieldCheck, Users, Webhook } from 'lucide-react';
import type { NavIcon, NavSection } from '@/components/nav-items';

const ICONS: Record<NavIcon, typeof KeyRound> = {
  key: KeyRound,
  webhook: Webhook,
  activity: Activity,
  scroll: ScrollText,
  building: Building2,
  shield: ShieldCheck,
  list: ListOrdered,
  users: Users,
};

export function PortalNav({ sections, onNavigate }: { sections: NavSection[]; onNavigate?: () => void }) {
  const pathname = usePathname();
  // The longest matching link is the current one: /support/platform-log is not also "Organizations" (/support).
  const currentHref = sections
    .flatMap((section) => section.items.map((item) => item.href))
    .filter((href) => pathname === href || pathname.startsWith(`${href}/`))
    .sort((a, b) => b.length - a.length)[0];
  return (
    <nav aria-label="Portal" className="space-y-6">
      {sections.map((section) => (
        <div key={section.title}>
          <h2 className="px-2 text-xs font-semibold tracking-wide text-slate-500 uppercase">{section.title}</h2>
          <ul className="mt-2 space-y-1">
            {section.items.map(({ href, label, icon }) => {
              const Icon = ICONS[icon];
              const current = href === currentHref;
              return (
                <li key={href}>
                  <Link
                    href={href}
                    onClick={onNavigate}
                    aria-current={current ? 'page' : undefined}
                    className={cn(
                      'flex items-center gap-2.5 rounded-md px-2 py-2 text-sm font-medium',
                      current ? 'bg-indigo-50 text-indigo-700' : 'text-slate-700 hover:bg-slate-100',
                    )}
                  >
                    <Icon className="size-4" aria-hidden />
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </nav>
  );
}
