import { createHash, randomBytes } from 'node:crypto';
import { prisma } from '@/lib/db';
import { now } from '@/lib/clock';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { recordAccountMailEvent } from '@/lib/data/events';

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

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Starts a session for a user who has just proven who they are; the token goes into the (encrypted) cookie. */
export async function createSession({ userId, context }: { userId: string; context?: RequestContext }) {
  const token = randomBytes(32).toString('base64url');
  const at = now();
  const session = await prisma.userSession.create({
    data: {
      userId,
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
  return { token, sessionId: session.id };
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
