import type { Actor } from '@/lib/identity/actor';

export type NavIcon = 'key' | 'webhook' | 'activity' | 'scroll' | 'building' | 'shield' | 'list' | 'users';

export interface NavSection {
  title: string;
  items: { href: string; label: string; icon: NavIcon }[];
}

/** The sections this actor may use; every entry leads to a built page the actor is allowed to open. */
export function navSectionsFor(actor: Actor): NavSection[] {
  const account: NavSection = { title: 'Account', items: [{ href: '/security', label: 'Security', icon: 'shield' }] };
  if (actor.platformRole === 'SUPPORT') {
    return [
      {
        title: 'Support',
        items: [
          { href: '/support', label: 'Organizations', icon: 'building' },
          { href: '/support/platform-log', label: 'Platform log', icon: 'list' },
        ],
      },
      account,
    ];
  }
  if (!actor.membership) return [account];
  // Viewers see the endpoints and the request log too, without menus or callers' addresses.
  const items: NavSection['items'] = [
    { href: '/credentials', label: 'Credentials', icon: 'key' },
    { href: '/webhooks', label: 'Webhooks', icon: 'webhook' },
    { href: '/request-log', label: 'Request log', icon: 'activity' },
  ];
  if (actor.membership.role === 'ADMIN') items.push({ href: '/audit-log', label: 'Audit log', icon: 'scroll' });
  // Every member sees who else is in the organization; only admins get the menus.
  const organization: NavSection = {
    title: 'Account',
    items: [{ href: '/members', label: 'Members', icon: 'users' }, ...account.items],
  };
  return [{ title: 'Development', items }, organization];
}
