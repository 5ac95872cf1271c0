import { prisma } from '@/lib/db';
import { now } from '@/lib/clock';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import type { Actor } from '@/lib/identity/actor';
import { verifyPassword } from '@/lib/identity/password';
import { DEFAULT_REAUTH_WINDOW_MINUTES } from '@/lib/identity/reauth';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Returns the user when email and password match; the same null for any mismatch. */
export async function verifyUserCredentials({ email, password }: { email: string; password: string }) {
  const user = await prisma.user.findUnique({
    where: { email: normalizeEmail(email) },
    select: { id: true, email: true, name: true, passwordHash: true },
  });
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  return ok && user ? { id: user.id, email: user.email, name: user.name } : null;
}

/** The id of the account an email names, for the audit trail of failed sign-ins; null when there is none. */
export async function findUserIdByEmail({ email }: { email: string }): Promise<string | null> {
  const user = await prisma.user.findUnique({ where: { email: normalizeEmail(email) }, select: { id: true } });
  return user?.id ?? null;
}

export async function getActorByUserId({ userId }: { userId: string }): Promise<Actor | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      platformRole: true,
      membership: {
        select: {
          organizationId: true,
          role: true,
          organization: { select: { name: true, requireTwoFactor: true, reauthWindowMinutes: true } },
        },
      },
      totpFactor: { select: { confirmedAt: true } },
      _count: { select: { passkeys: true } },
    },
  });
  if (!user) return null;
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    platformRole: user.platformRole,
    twoFactorEnabled: !!user.totpFactor?.confirmedAt || user._count.passkeys > 0,
    membership: user.membership
      ? {
          organizationId: user.membership.organizationId,
          organizationName: user.membership.organization.name,
          role: user.membership.role,
          requireTwoFactor: user.membership.organization.requireTwoFactor,
        }
      : null,
    session: null,
    reauthWindowMinutes: user.membership?.organization.reauthWindowMinutes ?? DEFAULT_REAUTH_WINDOW_MINUTES,
  };
}

/** Stores a new password hash and records the change. */
export async function setPassword({
  userId,
  passwordHash,
  context,
}: {
  userId: string;
  passwordHash: string;
  context?: RequestContext;
}) {
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: now() } });
    await recordAccountEvent(tx, { userId, action: 'password_changed', context });
  });
}

/** Creates a member of the platform's support staff (no organization): they look after every customer. */
export function createSupportUser({
  email,
  name,
  passwordHash,
}: {
  email: string;
  name: string;
  passwordHash: string;
}) {
  return prisma.user.create({
    data: { email: normalizeEmail(email), name, passwordHash, platformRole: 'SUPPORT' },
    select: { id: true },
  });
}
