/**
 * "Sudo mode": sensitive actions need the user to have proven who they are (password or second factor)
 * recently. A fresh sign-in counts, so signing in and acting at once asks nothing extra.
 */
import { now } from '@/lib/clock';

export const DEFAULT_REAUTH_WINDOW_MINUTES = 15;

/** The choices the organization setting offers. */
export const REAUTH_WINDOW_CHOICES = [5, 15, 30, 60, 120, 240, 480] as const;

export const REAUTH_REQUIRED_MESSAGE = "Confirm it's you to continue.";

export function isRecentlyAuthenticated(
  session: { reauthenticatedAt: Date } | null,
  windowMinutes: number,
  at: Date,
): boolean {
  if (!session) return false;
  const age = at.getTime() - session.reauthenticatedAt.getTime();
  return age >= -60_000 && age <= windowMinutes * 60_000;
}

/** What a sensitive server action answers when the confirmation is too old; the client then asks for it. */
export const REAUTH_REQUIRED = { ok: false, code: 'reauth_required', message: REAUTH_REQUIRED_MESSAGE } as const;

/** Whether this request's session must confirm the user's identity before a sensitive action. */
export function needsReauthentication(actor: {
  session: { reauthenticatedAt: Date } | null;
  reauthWindowMinutes: number;
}): boolean {
  return !isRecentlyAuthenticated(actor.session, actor.reauthWindowMinutes, now());
}

export function describeWindow(minutes: number): string {
  if (minutes < 60) return `${minutes} minutes`;
  const hours = minutes / 60;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}
