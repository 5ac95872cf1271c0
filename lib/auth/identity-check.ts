import 'server-only';
import type { Actor } from '@/lib/identity/actor';
import { withPasswordCheckSlot } from '@/lib/auth/password-check-limit';
import {
  checkSignInThrottle,
  recordSignInFailure,
  recordSignInSuccess,
  throttleMessage,
} from '@/lib/auth/sign-in-throttle';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { verifyUserCredentials } from '@/lib/data/users';
import { prisma } from '@/lib/db';

/**
 * Counts a failed attempt (a wrong password, code or passkey) against the account and the address, and
 * records it for an account that exists (an unknown email has no trail to write to): `sign_in_failed`, and
 * `sign_in_throttled` when this failure tips a count over its limit. Returns that block, or null.
 */
export async function recordFailedAttempt({
  email,
  userId,
  stage,
  context,
}: {
  email: string;
  userId: string | null;
  stage: string;
  context: RequestContext;
}) {
  const blocked = await recordSignInFailure({ email, address: context.address ?? 'unknown' });
  if (userId) {
    await recordAccountEvent(prisma, { userId, action: 'sign_in_failed', details: { stage }, context });
    if (blocked) {
      await recordAccountEvent(prisma, {
        userId,
        action: 'sign_in_throttled',
        priority: 'high',
        details: { retryAfterSeconds: blocked.retryAfterSeconds },
        context,
      });
    }
  }
  return blocked;
}

export type IdentityCheck = { ok: true } | { ok: false; wrong: boolean; message?: string };

/**
 * A signed-in user proving who they are again (confirming a sensitive action, changing the password):
 * throttled like a sign-in, counted against the same account and address, so no dialog is a shortcut
 * for guessing. `attempt` answers whether the proof was right, or 'busy' when it could not be checked.
 */
export async function checkIdentity(
  actor: Actor,
  context: RequestContext,
  stage: string,
  attempt: () => Promise<boolean | 'busy'>,
): Promise<IdentityCheck> {
  const key = { email: actor.email, address: context.address ?? 'unknown' };
  const throttled = await checkSignInThrottle(key);
  if (throttled) return { ok: false, wrong: false, message: throttleMessage(throttled.retryAfterSeconds) };
  const right = await attempt();
  if (right === 'busy')
    return { ok: false, wrong: false, message: 'The sign-in service is busy. Try again in a moment.' };
  if (right) {
    await recordSignInSuccess(key);
    return { ok: true };
  }
  const blocked = await recordFailedAttempt({ email: actor.email, userId: actor.userId, stage, context });
  return blocked
    ? { ok: false, wrong: false, message: throttleMessage(blocked.retryAfterSeconds) }
    : { ok: false, wrong: true };
}

/** The actor's own password, checked within the instance's cap on concurrent argon2 checks. */
export function isOwnPassword(actor: Actor, password: string): () => Promise<boolean | 'busy'> {
  return async () => {
    const checked = await withPasswordCheckSlot(() => verifyUserCredentials({ email: actor.email, password }));
    return checked.ok ? checked.value?.id === actor.userId : 'busy';
  };
}
