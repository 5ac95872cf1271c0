import 'server-only';
import type { Actor } from '@/lib/identity/actor';
import { checkIdentity, isOwnPassword } from '@/lib/auth/identity-check';
import { hashPassword } from '@/lib/identity/password';
import type { RequestContext } from '@/lib/data/audit';
import { endSessions, markReauthenticated } from '@/lib/data/sessions';
import { setPassword } from '@/lib/data/users';
import { fail, type Result } from '@/lib/result';

export type ChangePasswordResult = Result<
  { endedSessions: number },
  'signed_out' | 'invalid_credentials' | 'rate_limited'
>;

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
  if (!actor.session) return fail('signed_out', 'Your session has ended. Sign in again to continue.');
  const checked = await checkIdentity(actor, context, 'change_password', isOwnPassword(actor, currentPassword));
  if (!checked.ok) {
    return checked.wrong
      ? fail('invalid_credentials', 'That is not your current password.', 'currentPassword')
      : fail('rate_limited', checked.message ?? 'Try again in a moment.');
  }
  await setPassword({ userId: actor.userId, passwordHash: await hashPassword(newPassword), context });
  const endedSessions = await endSessions({
    userId: actor.userId,
    exceptSessionId: actor.session.id,
    reason: 'password_changed',
    context,
  });
  await markReauthenticated({ userId: actor.userId, sessionId: actor.session.id, context });
  return { ok: true, endedSessions };
}
