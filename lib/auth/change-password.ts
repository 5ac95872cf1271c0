import 'server-only';
import type { Actor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/password';
import { withPasswordCheckSlot } from '@/lib/auth/password-check-limit';
import { checkSignInThrottle, recordSignInFailure, recordSignInSuccess, throttleMessage } from '@/lib/auth/sign-in-throttle';
import type { RequestContext } from '@/lib/data/audit';
import { endSessions, markReauthenticated } from '@/lib/data/sessions';
import { setPassword, verifyUserCredentials } from '@/lib/data/users';

export type ChangePasswordResult = { ok: true; endedSessions: number } | { ok: false; message: string; field?: 'currentPassword' };

/**
 * Changes the actor's password after checking the current one (throttled like a sign-in), then ends
 * every other session of the user: whoever knew the old password is signed out everywhere else.
 */
export async function changePassword({
  actor,
  currentPassword,
  newPassword,
  context,
}: {
  actor: Actor;
  currentPassword: string;
  newPassword: string;
  context: RequestContext;
}): Promise<ChangePasswordResult> {
  if (!actor.session) return { ok: false, message: 'Your session has ended. Sign in again to continue.' };
  const key = { email: actor.email, address: context.address ?? 'unknown' };
  const throttled = await checkSignInThrottle(key);
  if (throttled) return { ok: false, message: throttleMessage(throttled.retryAfterSeconds) };
  const checked = await withPasswordCheckSlot(() => verifyUserCredentials({ email: actor.email, password: currentPassword }));
  if (!checked.ok) return { ok: false, message: 'The sign-in service is busy. Try again in a moment.' };
  if (checked.value?.id !== actor.userId) {
    const blocked = await recordSignInFailure(key);
    if (blocked) return { ok: false, message: throttleMessage(blocked.retryAfterSeconds) };
    return { ok: false, message: 'That is not your current password.', field: 'currentPassword' };
  }
  await recordSignInSuccess(key);
  await setPassword({ userId: actor.userId, passwordHash: await hashPassword(newPassword), context });
  const endedSessions = await endSessions({ userId: actor.userId, exceptSessionId: actor.session.id, reason: 'password_changed', context });
  await markReauthenticated({ userId: actor.userId, sessionId: actor.session.id, context });
  return { ok: true, endedSessions };
}
