import { prisma } from '@/lib/db';
import type { Actor } from '@/lib/auth/actor';
import { verifyPassword } from '@/lib/auth/password';

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

export async function getActorByUserId({ userId }: { userId: string }): Promise<Actor | null> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      email: true,
      name: true,
      platformRole: true,
      membership: { select: { organizationId: true, role: true, organization: { select: { name: true, requireTwoFactor: true } } } },
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
  };
}
