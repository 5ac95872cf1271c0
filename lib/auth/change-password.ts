import 'server-only';
import type { Actor } from '@/lib/identity/actor';
import { checkIdentity, isOwnPassword } from '@/lib/auth/identity-check';
import { hashPassword } from '@/lib/identity/password';
import type { RequestContext } from '@/lib/data/audit';
import { endSessions, markReauthenticated } from '@/lib/data/sessions';
import { setPassword } from '@/lib/data/users';

export type ChangePasswordResult = { ok: true; endedSessions: number } | { ok: false; message: string; field?: 'currentPassword' };

/**
 * Changes the actor's password after checking the current one, then ends every other session of the
 * user: whoever knew the old password is signed out everywhere else.
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
  const checked = await checkIdentity(actor, context, 'change_password', isOwnPassword(actor, currentPassword));
  if (!checked.ok) {
    return checked.wrong
      ? { ok: false, message: 'That is not your current password.', field: 'currentPassword' }
      : { ok: false, message: checked.message ?? 'Try again in a moment.' };
  }
  await setPassword({ userId: actor.userId, passwordHash: await hashPassword(newPassword), context });
  const endedSessions = await endSessions({ userId: actor.userId, exceptSessionId: actor.session.id, reason: 'password_changed', context });
  await markReauthenticated({ userId: actor.userId, sessionId: actor.session.id, context });
  return { ok: true, endedSessions };
}
