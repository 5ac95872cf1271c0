import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '@/lib/generated/prisma/enums';

/**
 * The rules of an invitation to join an organization. Pure: the data layer and the pages both use them.
 * The token travels only in the emailed link's fragment (never sent to a server, so never in a log); the
 * database keeps its SHA-256.
 */

/** An invitation opens for seven days after it was sent (or last resent). */
export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

/** Where the emailed link leads; the token follows in the fragment. */
export const INVITATION_PATH = '/invitation';

const TOKEN = /^inv_[A-Za-z0-9_-]{43}$/;

/** `inv_` + 32 random bytes (base64url): the prefix lets a secret scanner recognise a leaked link. */
export function newInvitationToken(): string {
  return `inv_${randomBytes(32).toString('base64url')}`;
}

/** Whether the text has the shape of a token: anything else is refused before the database is asked. */
export function isInvitationToken(text: unknown): text is string {
  return typeof text === 'string' && TOKEN.test(text);
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The path of the link a mail carries. */
export function invitationLinkPath(token: string): string {
  return `${INVITATION_PATH}#token=${token}`;
}

export type InvitationState = 'pending' | 'expired' | 'accepted' | 'revoked';

/** What an invitation is at `now`: it expires at exactly `expiresAt`. */
export function invitationState(
  invitation: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): InvitationState {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  return invitation.expiresAt.getTime() <= now.getTime() ? 'expired' : 'pending';
}

export const ROLE_LABELS: Record<Role, string> = { ADMIN: 'Admin', VIEWER: 'Viewer' };

export const LAST_ADMIN_MESSAGE =
  'An organization needs at least one admin. Make someone else an admin first, then try again.';

/** Why a link no longer opens, in words for the person holding it. */
export function closedInvitationMessage(state: Exclude<InvitationState, 'pending'> | 'unknown'): string {
  if (state === 'expired')
    return 'This invitation has expired. Ask an admin of the organization to send you a new one.';
  if (state === 'accepted') return 'This invitation was already accepted. Sign in to continue.';
  return 'This invitation link is not valid any more. Ask an admin of the organization to send you a new one.';
}
