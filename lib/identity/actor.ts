import type { PlatformRole, Role } from '@/lib/generated/prisma/enums';

/** Who is acting, as read from the database on every request (never from the client). */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  platformRole: PlatformRole | null;
  /** A confirmed authenticator app or at least one passkey. */
  twoFactorEnabled: boolean;
  /**
   * The membership in the organization the session works in (a person may belong to several; the session's
   * choice is kept on the server and matched against the memberships on every request). Null for platform
   * staff, who belong to no customer organization.
   */
  membership: { organizationId: string; organizationName: string; role: Role; requireTwoFactor: boolean } | null;
  /** The signed-in session this request came with; null when the actor was loaded without one (jobs, tests). */
  session: { id: string; reauthenticatedAt: Date } | null;
  /** How long a confirmation of identity opens sensitive actions: the organization's setting, in minutes. */
  reauthWindowMinutes: number;
}

export type MemberActor = Actor & { membership: NonNullable<Actor['membership']> };

/** Only an organization's admins may create or change its secrets. */
export function canManageCredentials(actor: Actor): actor is MemberActor {
  return actor.membership?.role === 'ADMIN';
}

/** Only an organization's admins may invite, change roles and remove members. */
export function canManageMembers(actor: Actor): actor is MemberActor {
  return actor.membership?.role === 'ADMIN';
}
