import 'server-only';
import type { RequestContext } from '@/lib/data/audit';
import { createSignInChallenge } from '@/lib/data/auth-challenges';
import { acceptInvitationAsNewUser, findInvitationByToken } from '@/lib/data/members';
import { hashPassword } from '@/lib/identity/password';
import { withPasswordCheckSlot } from '@/lib/auth/password-check-limit';
import type { Result } from '@/lib/result';

/**
 * A new person accepts an invitation: the link must still be open before argon2 runs (a dead link costs a
 * lookup, not a hash), the account and membership are made in the transaction that closes the invitation,
 * and the person is signed in like after a password: a verified sign-in that next-auth turns into a session.
 * A new account has no second factor yet; where the organization requires one of admins, the pages send an
 * invited admin to enroll before anything else.
 */
export async function acceptAsNewPerson({
  token,
  name,
  password,
  context,
}: {
  token: string;
  name: string;
  password: string;
  context: RequestContext;
}): Promise<Result<{ signInToken: string }> | { ok: false; code: 'busy' }> {
  const open = await findInvitationByToken({ token });
  if (!open.ok) return open;
  if (open.invitation.accountExists)
    return {
      ok: false,
      code: 'conflict',
      message: 'An account with this email already exists. Sign in with it to accept the invitation.',
    };
  const hashed = await withPasswordCheckSlot(() => hashPassword(password));
  if (!hashed.ok) return { ok: false, code: 'busy' };
  const accepted = await acceptInvitationAsNewUser({ token, name, passwordHash: hashed.value, context });
  if (!accepted.ok) return accepted;
  const { token: signInToken } = await createSignInChallenge({ userId: accepted.userId, verified: true, context });
  return { ok: true, signInToken };
}
