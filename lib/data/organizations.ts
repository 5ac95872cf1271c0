import { prisma } from '@/lib/db';
import { newClientId } from '@/lib/data/oauth-clients';
import { hashPassword } from '@/lib/identity/password';
import type { Role } from '@/lib/generated/prisma/enums';
import { normalizeEmail } from '@/lib/data/users';
import { canManageCredentials, type Actor } from '@/lib/identity/actor';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { forbidden, type Failure } from '@/lib/result';

/** Creates a customer organization together with its OAuth client. */
export async function createOrganization({ name, domain, id }: { name: string; domain?: string; id?: string }) {
  return prisma.organization.create({
    data: { id, name, domain, oauthClient: { create: { clientId: newClientId() } } },
    select: { id: true, name: true, oauthClient: { select: { id: true, clientId: true } } },
  });
}

/**
 * Creates a tenant (an end-to-end suite's throwaway organization) with its OAuth client and its one admin, in
 * one statement. The password is hashed by the caller, before any connection is taken.
 */
export async function createTenantOrganization({
  name,
  domain,
  admin,
  testClockAt,
  deleteAt,
}: {
  name: string;
  domain?: string;
  admin: { email: string; name: string; passwordHash: string };
  /** Its own clock's first reading (a test clock), or none: real time. */
  testClockAt?: Date;
  /** When the leader's job deletes it. */
  deleteAt: Date;
}) {
  return prisma.organization.create({
    data: {
      name,
      domain,
      isTenant: true,
      testClockAt,
      deleteAt,
      oauthClient: { create: { clientId: newClientId() } },
      memberships: { create: { role: 'ADMIN', user: { create: { ...admin, email: normalizeEmail(admin.email) } } } },
    },
    select: {
      id: true,
      name: true,
      testClockAt: true,
      deleteAt: true,
      oauthClient: { select: { clientId: true } },
      memberships: { select: { userId: true } },
    },
  });
}

/** Creates a user who is a member of the organization with the given role. */
export async function createMember({
  organizationId,
  email,
  name,
  password,
  role,
}: {
  organizationId: string;
  email: string;
  name: string;
  password: string;
  role: Role;
}) {
  return prisma.user.create({
    data: {
      email: normalizeEmail(email),
      name,
      passwordHash: await hashPassword(password),
      memberships: { create: { organizationId, role } },
    },
    select: { id: true, email: true, name: true },
  });
}

/**
 * Sets how long a confirmation of identity opens sensitive actions in the actor's organization.
 * Admins only; recorded with the old and new values.
 */
export async function setReauthWindow({
  actor,
  minutes,
  context,
}: {
  actor: Actor;
  minutes: number;
  context?: RequestContext;
}) {
  if (!canManageCredentials(actor)) return forbidden('Only admins can change the organization’s security settings.');
  const organizationId = actor.membership.organizationId;
  return prisma.$transaction(async (tx) => {
    const [before] = await tx.$queryRaw<{ reauth_window_minutes: number }[]>`
      SELECT reauth_window_minutes FROM organizations WHERE id = ${organizationId}::uuid FOR UPDATE`;
    if (!before) return forbidden();
    if (before.reauth_window_minutes === minutes) return { ok: true as const };
    await tx.organization.update({ where: { id: organizationId }, data: { reauthWindowMinutes: minutes } });
    await recordAccountEvent(tx, {
      userId: actor.userId,
      organizationId,
      action: 'reauth_window_changed',
      details: { from: before.reauth_window_minutes, to: minutes },
      context,
    });
    return { ok: true as const };
  });
}

/**
 * Turns "Require two-factor for admins" on or off. Only an admin of the organization may; anyone else
 * gets the same answer as for an organization that does not exist.
 */
export async function setTwoFactorRequirement({
  actor,
  required,
  context,
}: {
  actor: Actor;
  required: boolean;
  context?: RequestContext;
}): Promise<{ ok: true; required: boolean } | Failure<'not_found'>> {
  const organizationId = actor.membership?.organizationId;
  const missing = {
    ok: false as const,
    code: 'not_found' as const,
    message: 'This setting is not available to your account.',
  };
  if (!organizationId) return missing;
  return prisma.$transaction(async (tx) => {
    const changed = await tx.organization.updateMany({
      where: {
        id: organizationId,
        requireTwoFactor: !required,
        memberships: { some: { userId: actor.userId, role: 'ADMIN' } },
      },
      data: { requireTwoFactor: required },
    });
    if (changed.count === 0) {
      // Unchanged (already so) is fine; not an admin of it is "not found".
      const mine = await tx.organization.count({
        where: { id: organizationId, memberships: { some: { userId: actor.userId, role: 'ADMIN' } } },
      });
      return mine === 1 ? { ok: true as const, required } : missing;
    }
    await recordAccountEvent(tx, {
      userId: actor.userId,
      organizationId,
      action: 'two_factor_policy_changed',
      details: { required },
      context,
    });
    return { ok: true as const, required };
  });
}
