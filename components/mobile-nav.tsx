'use client';

import * as DialogPrimitive from '@radix-ui/react-dialog';
import { Menu, X } from 'lucide-react';
import { useState, type ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { PortalNav } from '@/components/portal-nav';
import { SignOutButton } from '@/components/sign-out-button';
import type { NavSection } from '@/components/nav-items';
import { OrganizationSwitcher, type OrganizationChoice } from '@/components/organization-switcher';

export function MobileNav({
  account,
  sections,
  switcher,
}: {
  account: ReactNode;
  sections: NavSection[];
  /** The organization switcher, for people in several organizations. */
  switcher: { current: OrganizationChoice; others: OrganizationChoice[] } | null;
}) {
  const [open, setOpen] = useState(false);
  return (
    <DialogPrimitive.Root open={open} onOpenChange={setOpen}>
      <DialogPrimitive.Trigger asChild>
        <Button variant="ghost" size="icon" aria-label="Open navigation">
          <Menu className="size-5" aria-hidden />
        </Button>
      </DialogPrimitive.Trigger>
      <DialogPrimitive.Portal>
        <DialogPrimitive.Overlay className="fixed inset-0 z-40 bg-slate-900/40" />
        <DialogPrimitive.Content className="fixed inset-y-0 right-0 z-50 flex w-72 max-w-[85vw] flex-col bg-white shadow-xl focus:outline-none">
          <div className="flex h-14 items-center justify-between border-b border-slate-200 px-4">
            <DialogPrimitive.Title className="text-sm font-semibold">Navigation</DialogPrimitive.Title>
            <DialogPrimitive.Close asChild>
              <Button variant="ghost" size="icon" aria-label="Close navigation">
                <X className="size-5" aria-hidden />
              </Button>
            </DialogPrimitive.Close>
          </div>
          <DialogPrimitive.Description className="sr-only">Portal sections</DialogPrimitive.Description>
          <div className="flex-1 space-y-6 px-3 py-4">
            {switcher && <OrganizationSwitcher {...switcher} onSwitched={() => setOpen(false)} />}
            <PortalNav sections={sections} onNavigate={() => setOpen(false)} />
          </div>
          <div className="flex items-center justify-between gap-2 border-t border-slate-200 px-4 py-4">
            {account}
            <SignOutButton />
          </div>
        </DialogPrimitive.Content>
      </DialogPrimitive.Portal>
    </DialogPrimitive.Root>
  );
}
