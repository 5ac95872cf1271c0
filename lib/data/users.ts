import { prisma } from '@/lib/db';
import { now } from '@/lib/clock';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { recordAccountMailEvent } from '@/lib/data/events';
import type { Actor } from '@/lib/identity/actor';
import type { PlatformRole, Role } from '@/lib/generated/prisma/enums';
import { Prisma } from '@/lib/generated/prisma/client';
import { hashSessionToken } from '@/lib/data/sessions';
import { accountMembership } from '@/lib/data/account-organization';
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

/**
 * The actor behind a user id, in one round trip: every portal request and server action starts here, and the
 * nested Prisma select it replaces took three in a row (user, then membership and factor, then organization).
 *
 * A person may belong to several organizations; the actor acts in one. With `sessionToken`, that is the
 * organization the session works in (`user_sessions.organization_id`, chosen on the server, read in the same
 * statement), matched against the user's memberships now: a membership removed meanwhile gives no access to
 * its organization. `organizationId` (jobs, scripts, tests) names it directly. When the user is no member of
 * the one named (none chosen, or it was deleted), the actor acts in their oldest membership.
 */
export async function getActorByUserId({
  userId,
  organizationId,
  sessionToken,
}: {
  userId: string;
  organizationId?: string;
  sessionToken?: string;
}): Promise<Actor | null> {
  const chosen =
    organizationId ??
    (sessionToken
      ? Prisma.sql`(SELECT s.organization_id FROM user_sessions s
          WHERE s.token_hash = ${hashSessionToken(sessionToken)} AND s.user_id = ${userId}::uuid)`
      : null);
  const ssoSessionHash = sessionToken ? hashSessionToken(sessionToken) : null;
  const [row] = await prisma.$queryRaw<
    {
      id: string;
      email: string;
      name: string;
      platformRole: PlatformRole | null;
      organizationId: string | null;
      organizationName: string | null;
      role: Role | null;
      requireTwoFactor: boolean | null;
      reauthWindowMinutes: number | null;
      twoFactorEnabled: boolean;
    }[]
  >`
    SELECT u.id::text, u.email, u.name, u.platform_role::text AS "platformRole",
      m.organization_id::text AS "organizationId", o.name AS "organizationName", m.role::text AS role,
      -- The organization's two-factor rule, unless this session came from its own single sign-on and the
      -- organization lets its identity provider's sign-in stand for the rule.
      (o.require_two_factor AND NOT EXISTS (
        SELECT 1 FROM user_sessions ss JOIN sso_connections sc ON sc.organization_id = ss.sso_organization_id
        WHERE ${ssoSessionHash}::text IS NOT NULL AND ss.token_hash = ${ssoSessionHash} AND ss.user_id = u.id
          AND ss.sso_organization_id = m.organization_id AND sc.idp_satisfies_two_factor
      )) AS "requireTwoFactor", o.reauth_window_minutes AS "reauthWindowMinutes",
      (EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = u.id)) AS "twoFactorEnabled"
    FROM users u
    LEFT JOIN LATERAL (${accountMembership('u.id', chosen)}) m ON true
    LEFT JOIN organizations o ON o.id = m.organization_id
    WHERE u.id = ${userId}::uuid`;
  if (!row) return null;
  return {
    userId: row.id,
    email: row.email,
    name: row.name,
    platformRole: row.platformRole,
    twoFactorEnabled: row.twoFactorEnabled,
    membership:
      row.organizationId && row.role
        ? {
            organizationId: row.organizationId,
            organizationName: row.organizationName!,
            role: row.role,
            requireTwoFactor: row.requireTwoFactor!,
          }
        : null,
    session: null,
    reauthWindowMinutes: row.reauthWindowMinutes ?? DEFAULT_REAUTH_WINDOW_MINUTES,
  };
}

/** When a sign-in became a session: the Members page shows it. Written in the sign-in's transaction. */
export async function stampLastSignIn(db: Prisma.TransactionClient, { userId, at }: { userId: string; at: Date }) {
  await db.user.update({ where: { id: userId }, data: { lastSignInAt: at }, select: { id: true } });
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
    await recordAccountMailEvent(tx, { userId, type: 'account.password_changed', context });
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
