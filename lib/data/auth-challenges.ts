import { createHash, randomBytes } from 'node:crypto';
import { prisma } from '@/lib/db';
import { now } from '@/lib/clock';
import type { RequestContext } from '@/lib/data/audit';

/** A sign-in must be finished within this time after the password step. */
export const SIGN_IN_CHALLENGE_SECONDS = 5 * 60;
/** Wrong second-factor answers allowed on one sign-in before the password must be entered again. */
export const MAX_SECOND_FACTOR_FAILURES = 5;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** How a sign-in's first step was passed: a password (or an invitation's new one), or single sign-on. */
export type SignInMethod = 'password' | 'sso';

/**
 * Starts a sign-in for a user whose password was right (or whom the identity provider vouched for:
 * `method` sso). `verified` when no second factor is needed. The token goes into an httpOnly cookie; the
 * database keeps its hash.
 */
export async function createSignInChallenge({
  userId,
  verified,
  method = 'password',
  organizationId,
  context,
}: {
  userId: string;
  verified: boolean;
  method?: SignInMethod;
  /** The organization a single sign-on is for: the session will work there. */
  organizationId?: string;
  context?: RequestContext;
}) {
  const token = randomBytes(32).toString('base64url');
  const at = now();
  await prisma.authChallenge.create({
    data: {
      tokenHash: hashToken(token),
      userId,
      purpose: 'sign_in',
      method,
      organizationId: organizationId ?? null,
      verifiedAt: verified ? at : null,
      createdAt: at,
      expiresAt: new Date(at.getTime() + SIGN_IN_CHALLENGE_SECONDS * 1000),
      address: context?.address ?? null,
      userAgent: context?.userAgent?.slice(0, 512) ?? null,
    },
  });
  return { token };
}

/** A sign-in waiting for its second factor: not finished, not expired, not given up on. */
export async function findPendingSignIn({ token }: { token: string }) {
  const row = await prisma.authChallenge.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      userId: true,
      purpose: true,
      challenge: true,
      verifiedAt: true,
      consumedAt: true,
      expiresAt: true,
      user: { select: { email: true } },
    },
  });
  if (row?.purpose !== 'sign_in' || row.consumedAt || row.verifiedAt || row.expiresAt <= now()) return null;
  return { id: row.id, userId: row.userId, email: row.user.email, webauthnChallenge: row.challenge };
}

/** Remembers the WebAuthn challenge the browser was given for this sign-in. */
export async function setSignInWebAuthnChallenge({ id, challenge }: { id: string; challenge: string }) {
  await prisma.authChallenge.updateMany({ where: { id, consumedAt: null, verifiedAt: null }, data: { challenge } });
}

/** The second factor was proven: the sign-in may now become a session. */
export async function markSignInVerified({ id }: { id: string }): Promise<boolean> {
  const { count } = await prisma.authChallenge.updateMany({
    where: { id, consumedAt: null, verifiedAt: null, expiresAt: { gt: now() } },
    data: { verifiedAt: now(), challenge: null },
  });
  return count === 1;
}

/** Counts a wrong second-factor answer; after too many the sign-in is abandoned. Returns whether it still stands. */
export async function recordSecondFactorFailure({ id }: { id: string }): Promise<boolean> {
  const [row] = await prisma.$queryRaw<{ failures: number }[]>`
    UPDATE auth_challenges SET failures = failures + 1,
           consumed_at = CASE WHEN failures + 1 >= ${MAX_SECOND_FACTOR_FAILURES} THEN CURRENT_TIMESTAMP ELSE consumed_at END
     WHERE id = ${id}::uuid RETURNING failures`;
  return (row?.failures ?? MAX_SECOND_FACTOR_FAILURES) < MAX_SECOND_FACTOR_FAILURES;
}

/** Turns a verified sign-in into its user id and method, once: a second use of the same token finds nothing. */
export async function consumeVerifiedSignIn({
  token,
}: {
  token: string;
}): Promise<{ userId: string; method: SignInMethod; organizationId: string | null } | null> {
  const rows = await prisma.authChallenge.updateManyAndReturn({
    where: {
      tokenHash: hashToken(token),
      purpose: 'sign_in',
      consumedAt: null,
      verifiedAt: { not: null },
      expiresAt: { gt: now() },
    },
    data: { consumedAt: now() },
    select: { userId: true, method: true, organizationId: true },
  });
  const row = rows[0];
  return row
    ? { userId: row.userId, method: row.method === 'sso' ? 'sso' : 'password', organizationId: row.organizationId }
    : null;
}

/** Stores a WebAuthn challenge for a signed-in user confirming who they are; returns the token naming it. */
export async function createConfirmChallenge({ userId, challenge }: { userId: string; challenge: string }) {
  const token = randomBytes(32).toString('base64url');
  const at = now();
  await prisma.authChallenge.create({
    data: {
      tokenHash: hashToken(token),
      userId,
      purpose: 'webauthn_confirm',
      challenge,
      createdAt: at,
      expiresAt: new Date(at.getTime() + SIGN_IN_CHALLENGE_SECONDS * 1000),
    },
  });
  return { token };
}

/** Takes a challenge of this user for this purpose, once; null when it expired or was used. */
async function consumeUserChallenge(userId: string, token: string, purpose: 'webauthn_confirm' | 'webauthn_register') {
  const rows = await prisma.authChallenge.updateManyAndReturn({
    where: { tokenHash: hashToken(token), userId, purpose, consumedAt: null, expiresAt: { gt: now() } },
    data: { consumedAt: now() },
    select: { challenge: true },
  });
  return rows[0]?.challenge ?? null;
}

/** Takes a confirmation challenge of this user, once. */
export function consumeConfirmChallenge({ userId, token }: { userId: string; token: string }): Promise<string | null> {
  return consumeUserChallenge(userId, token, 'webauthn_confirm');
}

/** How long a passkey registration may take, from the options to the authenticator's answer. */
const REGISTRATION_SECONDS = 5 * 60;

/**
 * Stores the WebAuthn challenge of a passkey registration; returns the token naming the ceremony. The user's
 * expired and abandoned registrations go with each new one.
 */
export async function createRegistrationChallenge({ userId, challenge }: { userId: string; challenge: string }) {
  const token = randomBytes(32).toString('base64url');
  const at = now();
  await prisma.$transaction([
    prisma.authChallenge.deleteMany({ where: { userId, purpose: 'webauthn_register' } }),
    prisma.authChallenge.create({
      data: {
        userId,
        purpose: 'webauthn_register',
        tokenHash: hashToken(token),
        challenge,
        createdAt: at,
        expiresAt: new Date(at.getTime() + REGISTRATION_SECONDS * 1000),
      },
    }),
  ]);
  return { token };
}

/** Takes a registration challenge of this user, once; null when it expired or was used. */
export function consumeRegistrationChallenge({
  userId,
  token,
}: {
  userId: string;
  token: string;
}): Promise<string | null> {
  return consumeUserChallenge(userId, token, 'webauthn_register');
}

/** Challenges are short-lived; the scheduler's pruning removes those an hour past their expiry. */
export async function pruneAuthChallenges(): Promise<number> {
  const { count } = await prisma.authChallenge.deleteMany({
    where: { expiresAt: { lt: new Date(now().getTime() - 3_600_000) } },
  });
  return count;
}
