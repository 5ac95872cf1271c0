import 'server-only';
import type { Actor } from '@/lib/auth/actor';
import { checkSignInThrottle, recordSignInFailure, recordSignInSuccess, throttleMessage } from '@/lib/auth/sign-in-throttle';
import { withPasswordCheckSlot } from '@/lib/auth/password-check-limit';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { consumeConfirmChallenge, createConfirmChallenge } from '@/lib/data/auth-challenges';
import { markReauthenticated } from '@/lib/data/sessions';
import { passkeyAuthenticationOptions, verifyPasskeyAuthentication, verifyTotpCode } from '@/lib/data/two-factor';
import { verifyUserCredentials } from '@/lib/data/users';
import { prisma } from '@/lib/db';

export type IdentityAnswer =
  | { method: 'password'; password: string }
  | { method: 'totp'; code: string }
  | { method: 'passkey'; challengeToken: string; response: unknown };

export type ConfirmResult = { ok: true } | { ok: false; message: string; field?: 'password' | 'code' };

const WRONG: Record<IdentityAnswer['method'], ConfirmResult> = {
  password: { ok: false, message: 'That password is not correct.', field: 'password' },
  totp: { ok: false, message: 'That code is not valid.', field: 'code' },
  passkey: { ok: false, message: 'That passkey was not accepted. Try again or use your password.' },
};

/**
 * Re-authentication ("sudo mode") for a signed-in user: the same throttle and password-check cap as
 * signing in, so the dialog is no shortcut for guessing. Success opens sensitive actions in this
 * session for the organization's window.
 */
export async function confirmIdentity({
  actor,
  answer,
  context,
}: {
  actor: Actor;
  answer: IdentityAnswer;
  context: RequestContext;
}): Promise<ConfirmResult> {
  if (!actor.session) return { ok: false, message: 'Your session has ended. Sign in again to continue.' };
  const key = { email: actor.email, address: context.address ?? 'unknown' };
  const throttled = await checkSignInThrottle(key);
  if (throttled) return { ok: false, message: throttleMessage(throttled.retryAfterSeconds) };

  let ok = false;
  if (answer.method === 'password') {
    const checked = await withPasswordCheckSlot(() => verifyUserCredentials({ email: actor.email, password: answer.password }));
    if (!checked.ok) return { ok: false, message: 'The sign-in service is busy. Try again in a moment.' };
    ok = checked.value?.id === actor.userId;
  } else if (answer.method === 'totp') {
    ok = await verifyTotpCode({ userId: actor.userId, code: answer.code });
  } else {
    const challenge = await consumeConfirmChallenge({ userId: actor.userId, token: answer.challengeToken });
    ok = challenge !== null && (await verifyPasskeyAuthentication({ userId: actor.userId, response: answer.response, expectedChallenge: challenge }));
  }

  if (!ok) {
    const blocked = await recordSignInFailure(key);
    await recordAccountEvent(prisma, { userId: actor.userId, action: 'sign_in_failed', details: { stage: 'confirm', method: answer.method }, context });
    return blocked ? { ok: false, message: throttleMessage(blocked.retryAfterSeconds) } : WRONG[answer.method];
  }
  await recordSignInSuccess(key);
  await markReauthenticated({ userId: actor.userId, sessionId: actor.session.id, context });
  return { ok: true };
}

/** WebAuthn options for confirming with a passkey; the token names the stored challenge. */
export async function confirmPasskeyOptions({ actor }: { actor: Actor }) {
  const options = await passkeyAuthenticationOptions({ userId: actor.userId });
  const { token } = await createConfirmChallenge({ userId: actor.userId, challenge: options.challenge });
  return { options, challengeToken: token };
}
