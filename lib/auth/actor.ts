import type { PlatformRole, Role } from '@/lib/generated/prisma/enums';

/** Who is acting, as read from the database on every request (never from the client). */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  platformRole: PlatformRole | null;
  /** A confirmed authenticator app or at least one passkey. */
  twoFactorEnabled: boolean;
  /** Null for platform staff, who belong to no customer organization. */
  membership: { organizationId: string; organizationName: string; role: Role; requireTwoFactor: boolean } | null;
}

export type MemberActor = Actor & { membership: NonNullable<Actor['membership']> };

export function isMember(actor: Actor): actor is MemberActor {
  return actor.membership !== null;
}

/** Only an organization's admins may create or change its secrets. */
export function canManageSecrets(actor: Actor): actor is MemberActor {
  return actor.membership?.role === 'ADMIN';
}
