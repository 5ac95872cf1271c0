import type { ReactNode } from 'react';
import { requireActor } from '@/lib/auth/session';
import { Logo } from '@/components/logo';
import { PortalNav } from '@/components/portal-nav';
import { MobileNav } from '@/components/mobile-nav';
import { SignOutButton } from '@/components/sign-out-button';
import { navSectionsFor } from '@/components/nav-items';
import { ReauthProvider } from '@/components/auth/reauth-provider';
import { describeWindow } from '@/lib/identity/reauth';
import { getSecondFactorMethods } from '@/lib/data/two-factor';
import { listOwnOrganizations } from '@/lib/data/members';
import { OrganizationSwitcher, type OrganizationChoice } from '@/components/organization-switcher';
import { confirmIdentityAction, confirmPasskeyOptionsAction } from './actions';

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  const sections = navSectionsFor(actor);
  const [methods, organizations] = await Promise.all([
    getSecondFactorMethods({ userId: actor.userId }),
    actor.membership ? listOwnOrganizations({ userId: actor.userId }) : [],
  ]);
  // Only people in several organizations get the switcher; the current one is the session's, read above.
  const switcher: { current: OrganizationChoice; others: OrganizationChoice[] } | null =
    actor.membership && organizations.length > 1
      ? {
          current: { id: actor.membership.organizationId, name: actor.membership.organizationName },
          others: organizations.filter((organization) => organization.id !== actor.membership?.organizationId),
        }
      : null;
  const account = (
    <div className="min-w-0">
      <p className="truncate text-sm font-medium text-slate-900">{actor.name}</p>
      <p className="truncate text-xs text-slate-500">
        {actor.membership
          ? `${actor.membership.organizationName} · ${actor.membership.role === 'ADMIN' ? 'Admin' : 'Viewer'}`
          : 'Platform support'}
      </p>
    </div>
  );

  return (
    <div className="min-h-dvh lg:flex">
      <aside className="hidden w-64 shrink-0 flex-col border-r border-slate-200 bg-white lg:fixed lg:inset-y-0 lg:flex">
        <div className="flex h-16 items-center px-5">
          <Logo />
        </div>
        <div className="flex-1 space-y-6 px-3 py-4">
          {switcher && <OrganizationSwitcher {...switcher} />}
          <PortalNav sections={sections} />
        </div>
        <div className="flex items-center justify-between gap-2 border-t border-slate-200 px-5 py-4">
          {account}
          <SignOutButton />
        </div>
      </aside>
      <header className="sticky top-0 z-20 flex h-14 items-center justify-between border-b border-slate-200 bg-white px-4 lg:hidden">
        <Logo />
        <MobileNav account={account} sections={sections} switcher={switcher} />
      </header>
      <main className="min-w-0 flex-1 lg:pl-64">
        <div className="mx-auto max-w-5xl px-4 py-6 sm:px-8 sm:py-10">
          <ReauthProvider
            methods={methods}
            windowText={describeWindow(actor.reauthWindowMinutes)}
            actions={{ confirm: confirmIdentityAction, passkeyOptions: confirmPasskeyOptionsAction }}
          >
            {children}
          </ReauthProvider>
        </div>
      </main>
    </div>
  );
}
