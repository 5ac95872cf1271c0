import { prisma } from '@/lib/db';
import { newClientId } from '@/lib/data/oauth-clients';
import { hashPassword } from '@/lib/identity/password';
import type { Role } from '@/lib/generated/prisma/enums';
import { normalizeEmail } from '@/lib/data/users';
import { canManageCredentials, type Actor } from '@/lib/identity/actor';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { forbidden } from '@/lib/result';

/** Creates a customer organization together with its OAuth client. */
export async function createOrganization({ name, domain, id }: { name: string; domain?: string; id?: string }) {
  return prisma.organization.create({
    data: { id, name, domain, oauthClient: { create: { clientId: newClientId() } } },
    select: { id: true, name: true, oauthClient: { select: { id: true, clientId: true } } },
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
      membership: { create: { organizationId, role } },
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
      action: 'reauth_window_changed',
      details: { from: before.reauth_window_minutes, to: minutes },
      context,
    });
    return { ok: true as const };
  });
}
