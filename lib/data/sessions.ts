import { createHash, randomBytes } from 'node:crypto';
import { prisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import { now } from '@/lib/clock';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { recordAccountMailEvent } from '@/lib/data/events';
import type { Actor } from '@/lib/identity/actor';
import { notFound, type Result } from '@/lib/result';

/** How long a session lasts after sign-in, whatever the activity. */
export const SESSION_LIFETIME_SECONDS = 8 * 60 * 60;
/** last_seen_at is written at most this often per session. */
const TOUCH_INTERVAL_MS = 60_000;

export type SessionEndReason =
  | 'signed_out'
  | 'signed_out_elsewhere'
  | 'signed_out_everywhere'
  | 'password_changed'
  | 'factor_removed'
  | 'membership_removed';

/** How a session's token is kept: only its SHA-256 is stored, and looked up. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
const hashToken = hashSessionToken;

const NOT_YOUR_ORGANIZATION = 'This organization is not one of yours. Reload the page to see your organizations.';

/**
 * The organization a new session works in: `organizationId` when the user is a member of it (the invitation
 * they just accepted, the organization they signed in to), else their oldest membership; null for someone
 * with none (support staff).
 */
async function sessionOrganization({ userId, organizationId }: { userId: string; organizationId?: string }) {
  const membership =
    (organizationId
      ? await prisma.membership.findFirst({ where: { userId, organizationId }, select: { organizationId: true } })
      : null) ??
    (await prisma.membership.findFirst({
      where: { userId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { organizationId: true },
    }));
  return membership?.organizationId ?? null;
}

/**
 * Starts a session for a user who has just proven who they are; the token goes into the (encrypted) cookie.
 * The session works in `organizationId` if the user is a member there, otherwise in their oldest membership.
 */
export async function createSession({
  userId,
  organizationId,
  signedInBySso = false,
  context,
}: {
  userId: string;
  organizationId?: string;
  /** The session comes from a single sign-on to `organizationId` (its identity provider vouched). */
  signedInBySso?: boolean;
  context?: RequestContext;
}) {
  const token = randomBytes(32).toString('base64url');
  const chosen = await sessionOrganization({ userId, organizationId });
  const at = now();
  const session = await prisma.userSession.create({
    data: {
      userId,
      organizationId: chosen,
      ssoOrganizationId: signedInBySso && chosen === organizationId ? chosen : null,
      tokenHash: hashToken(token),
      createdAt: at,
      lastSeenAt: at,
      reauthenticatedAt: at,
      expiresAt: new Date(at.getTime() + SESSION_LIFETIME_SECONDS * 1000),
      address: context?.address ?? null,
      userAgent: context?.userAgent?.slice(0, 512) ?? null,
    },
    select: { id: true },
  });
  return { token, sessionId: session.id, organizationId: chosen };
}

/**
 * Moves a live session of the user to an organization they have just joined (an accepted invitation), in the
 * caller's transaction, which made the membership.
 */
export async function moveSessionTo(
  tx: Prisma.TransactionClient,
  { userId, sessionId, organizationId }: { userId: string; sessionId: string; organizationId: string },
) {
  await tx.userSession.updateMany({
    where: { id: sessionId, userId, endedAt: null, user: { memberships: { some: { organizationId } } } },
    data: { organizationId },
  });
}

/**
 * The organization switcher: the actor's session works in another organization of theirs from the next
 * request on. The membership is matched in the UPDATE's own `where`, so an organization the user does not
 * belong to (or no longer does) is "not found" and changes nothing. Recorded in the trail of the organization
 * switched to.
 */
export async function switchOrganization({
  actor,
  organizationId,
  context,
}: {
  actor: Actor;
  organizationId: string;
  context?: RequestContext;
}): Promise<Result<{ organizationId: string }>> {
  if (!actor.session) return notFound(NOT_YOUR_ORGANIZATION);
  if (actor.membership?.organizationId === organizationId) return { ok: true, organizationId };
  const sessionId = actor.session.id;
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.userSession.updateMany({
      where: {
        id: sessionId,
        userId: actor.userId,
        endedAt: null,
        user: { memberships: { some: { organizationId } } },
      },
      data: { organizationId },
    });
    if (count !== 1) return notFound(NOT_YOUR_ORGANIZATION);
    await recordAccountEvent(tx, {
      userId: actor.userId,
      organizationId,
      action: 'organization_switched',
      details: { sessionId, fromOrganizationId: actor.membership?.organizationId ?? null },
      context,
    });
    return { ok: true as const, organizationId };
  });
}

/**
 * The live session behind a cookie's token, or null when it was ended, has expired or belongs to another
 * user. Records that it was seen, at most once a minute.
 */
export async function findLiveSession({ token, userId }: { token: string; userId: string }) {
  const at = now();
  const session = await prisma.userSession.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true, endedAt: true, expiresAt: true, lastSeenAt: true, reauthenticatedAt: true },
  });
  if (!session || session.userId !== userId || session.endedAt || session.expiresAt <= at) return null;
  if (at.getTime() - session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await prisma.userSession.updateMany({ where: { id: session.id, endedAt: null }, data: { lastSeenAt: at } });
  }
  return { id: session.id, reauthenticatedAt: session.reauthenticatedAt };
}

/** The user's sessions that are still open, most recently seen first. */
export async function listLiveSessions({ userId }: { userId: string }) {
  return prisma.userSession.findMany({
    where: { userId, endedAt: null, expiresAt: { gt: now() } },
    orderBy: [{ lastSeenAt: 'desc' }, { id: 'asc' }],
    select: { id: true, createdAt: true, lastSeenAt: true, address: true, userAgent: true },
  });
}

/** Records that the user proved who they are again in this session (password or second factor). */
export async function markReauthenticated({
  userId,
  sessionId,
  context,
}: {
  userId: string;
  sessionId: string;
  context?: RequestContext;
}) {
  await prisma.$transaction(async (tx) => {
    const { count } = await tx.userSession.updateMany({
      where: { id: sessionId, userId, endedAt: null },
      data: { reauthenticatedAt: now() },
    });
    if (count === 1) await recordAccountEvent(tx, { userId, action: 'reauthenticated', context });
  });
}

/**
 * Ends sessions of a user: one (by id), or all of them except one, or all. Each ended session is one
 * audit event. Returns how many were ended. Only the user's own sessions can be named.
 */
export async function endSessions({
  userId,
  sessionId,
  exceptSessionId,
  reason,
  context,
}: {
  userId: string;
  sessionId?: string;
  exceptSessionId?: string;
  reason: SessionEndReason;
  context?: RequestContext;
}): Promise<number> {
  return prisma.$transaction(async (tx) => {
    const ended = await tx.userSession.updateManyAndReturn({
      where: {
        userId,
        endedAt: null,
        ...(sessionId ? { id: sessionId } : {}),
        ...(exceptSessionId ? { id: { not: exceptSessionId } } : {}),
      },
      data: { endedAt: now(), endedReason: reason },
      select: { id: true },
    });
    for (const session of ended) {
      await recordAccountEvent(tx, {
        userId,
        action: 'session_ended',
        details: { sessionId: session.id, reason },
        context,
      });
    }
    if (reason === 'signed_out_everywhere' && ended.length > 0) {
      await recordAccountMailEvent(tx, {
        userId,
        type: 'account.signed_out_everywhere',
        context,
        data: { sessions: ended.length },
      });
    }
    return ended.length;
  });
}

/** Ends the session a cookie's token names (sign-out). */
export async function endSessionByToken({ token, context }: { token: string; context?: RequestContext }) {
  const session = await prisma.userSession.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, userId: true },
  });
  if (session) await endSessions({ userId: session.userId, sessionId: session.id, reason: 'signed_out', context });
}

/**
 * Deletes sessions that ended, or expired, before `before` (the retention job): the Sessions list shows only
 * live ones, and the audit log keeps the sign-ins and sign-outs.
 */
export async function pruneSessions({ before }: { before: Date }): Promise<number> {
  const { count } = await prisma.userSession.deleteMany({
    where: { OR: [{ endedAt: { lt: before } }, { expiresAt: { lt: before } }] },
  });
  return count;
}
