import type { Actor } from '@/lib/identity/actor';

/** What an actor may be asked to protect with a second factor first. */
export type TwoFactorGuarded = 'manage_credentials' | 'manage_members' | 'support_console';

export const ENROLL_TO_MANAGE_SECRETS =
  'Your organization requires two-factor authentication. Set it up to manage credentials.';
export const ENROLL_TO_MANAGE_MEMBERS =
  'Your organization requires two-factor authentication. Set it up to manage members.';
export const ENROLL_TO_OPEN_SUPPORT = 'Set up two-factor authentication to open the support console.';

/**
 * Whether the actor must enroll a second factor before doing `what`. Support staff always need one
 * (they can reach every customer); an organization's admins need one when their organization says so;
 * viewers manage nothing and are never held back.
 */
export function mustEnrollTwoFactor(
  actor: Pick<Actor, 'platformRole' | 'membership' | 'twoFactorEnabled'>,
  what: TwoFactorGuarded,
): boolean {
  if (actor.twoFactorEnabled) return false;
  if (what === 'support_console') return actor.platformRole === 'SUPPORT';
  return actor.membership?.role === 'ADMIN' && actor.membership.requireTwoFactor;
}

export function enrollMessage(what: TwoFactorGuarded): string {
  if (what === 'manage_credentials') return ENROLL_TO_MANAGE_SECRETS;
  return what === 'manage_members' ? ENROLL_TO_MANAGE_MEMBERS : ENROLL_TO_OPEN_SUPPORT;
}
