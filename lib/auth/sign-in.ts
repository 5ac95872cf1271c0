import 'server-only';
import { recordFailedAttempt } from '@/lib/auth/identity-check';
// Malformed responses are refused inside verifyPasskeyAuthentication; the cast only names the shape it checks.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { RequestContext } from '@/lib/data/audit';
import { recordAccountEvent } from '@/lib/data/audit';
import { recordAccountMailEvent } from '@/lib/data/events';
import { rememberBrowser } from '@/lib/data/known-browsers';
import { prisma } from '@/lib/db';
import { now } from '@/lib/clock';
import { findUserIdByEmail, stampLastSignIn, verifyUserCredentials } from '@/lib/data/users';
import {
  consumeVerifiedSignIn,
  createSignInChallenge,
  findPendingSignIn,
  markSignInVerified,
  recordSecondFactorFailure,
  setSignInWebAuthnChallenge,
} from '@/lib/data/auth-challenges';
import { createSession } from '@/lib/data/sessions';
import { passwordRefusedBySso } from '@/lib/data/sso';
import {
  getTwoFactorStatus,
  passkeyAuthenticationOptions,
  redeemRecoveryCode,
  verifyPasskeyAuthentication,
  verifyTotpCode,
} from '@/lib/data/two-factor';
import { checkSignInThrottle, recordSignInSuccess } from '@/lib/auth/sign-in-throttle';
import { withPasswordCheckSlot } from '@/lib/auth/password-check-limit';

export interface SecondFactorMethods {
  totp: boolean;
  passkey: boolean;
  recovery: boolean;
}

export type SignInStepResult =
  | { status: 'verified'; token: string }
  | { status: 'second_factor'; token: string; methods: SecondFactorMethods }
  | { status: 'invalid' }
  | { status: 'expired' }
  | { status: 'throttled'; retryAfterSeconds: number }
  | { status: 'busy' }
  | { status: 'sso_required' };

function addressOf(context: RequestContext) {
  return context.address ?? 'unknown';
}

/** A failed step: counted and recorded; the throttled answer once it tips a count over its limit. */
async function failed(
  email: string,
  userId: string | null,
  stage: 'password' | 'second_factor',
  context: RequestContext,
) {
  const blocked = await recordFailedAttempt({ email, userId, stage, context });
  return blocked
    ? ({ status: 'throttled', retryAfterSeconds: blocked.retryAfterSeconds } as const)
    : ({ status: 'invalid' } as const);
}

/**
 * The password step. The production server admits a few attempts a second per instance before this runs;
 * the throttle answers before argon2 runs; argon2 runs only within the instance's cap on concurrent checks,
 * on low-priority threads. So a flood of guesses neither guesses fast nor starves the token endpoint.
 */
export async function passwordStep({
  email,
  password,
  context,
}: {
  email: string;
  password: string;
  context: RequestContext;
}): Promise<SignInStepResult> {
  const throttled = await checkSignInThrottle({ email, address: addressOf(context) });
  if (throttled) return { status: 'throttled', retryAfterSeconds: throttled.retryAfterSeconds };
  const checked = await withPasswordCheckSlot(() => verifyUserCredentials({ email, password }));
  if (!checked.ok) return { status: 'busy' };
  const user = checked.value;
  if (!user) return failed(email, await findUserIdByEmail({ email }), 'password', context);
  // Only after a right password: a wrong one answers as ever, so this tells a guesser nothing.
  if (await passwordRefusedBySso({ userId: user.id })) return { status: 'sso_required' };

  await recordSignInSuccess({ email, address: addressOf(context) });
  const factors = await getTwoFactorStatus({ userId: user.id });
  if (!factors.enabled) {
    const { token } = await createSignInChallenge({ userId: user.id, verified: true, context });
    return { status: 'verified', token };
  }
  const { token } = await createSignInChallenge({ userId: user.id, verified: false, context });
  return {
    status: 'second_factor',
    token,
    methods: { totp: factors.totp, passkey: factors.passkeys.length > 0, recovery: factors.recoveryCodesLeft > 0 },
  };
}

/** WebAuthn options for the passkey of a sign-in waiting for its second factor; the challenge is kept with it. */
export async function signInPasskeyOptions({ token }: { token: string }) {
  const pending = await findPendingSignIn({ token });
  if (!pending) return null;
  const options = await passkeyAuthenticationOptions({ userId: pending.userId });
  await setSignInWebAuthnChallenge({ id: pending.id, challenge: options.challenge });
  return options;
}

export type SecondFactorAnswer =
  | { method: 'totp'; code: string }
  | { method: 'recovery'; code: string }
  | { method: 'passkey'; response: unknown };

/** The second-factor step: a wrong answer counts like a wrong password, against the account and the address. */
export async function secondFactorStep({
  token,
  answer,
  context,
}: {
  token: string;
  answer: SecondFactorAnswer;
  context: RequestContext;
}): Promise<SignInStepResult> {
  const pending = await findPendingSignIn({ token });
  if (!pending) return { status: 'expired' };
  const throttled = await checkSignInThrottle({ email: pending.email, address: addressOf(context) });
  if (throttled) return { status: 'throttled', retryAfterSeconds: throttled.retryAfterSeconds };

  let ok = false;
  if (answer.method === 'totp') ok = await verifyTotpCode({ userId: pending.userId, code: answer.code });
  else if (answer.method === 'recovery')
    ok = await redeemRecoveryCode({ userId: pending.userId, code: answer.code, context });
  else if (pending.webauthnChallenge) {
    ok = await verifyPasskeyAuthentication({
      userId: pending.userId,
      response: answer.response as AuthenticationResponseJSON,
      expectedChallenge: pending.webauthnChallenge,
    });
  }

  if (ok && (await markSignInVerified({ id: pending.id }))) {
    await recordSignInSuccess({ email: pending.email, address: addressOf(context) });
    return { status: 'verified', token };
  }
  const stillOpen = await recordSecondFactorFailure({ id: pending.id });
  const result = await failed(pending.email, pending.userId, 'second_factor', context);
  if (result.status === 'throttled') return result;
  return stillOpen ? result : { status: 'expired' };
}

/**
 * The last step, run by next-auth's credentials provider: a verified sign-in becomes a server-side
 * session, once. Returns what the session cookie carries. `browser` is the browser cookie's value (null
 * without one): a sign-in from a browser the user has not used before emails them (account.new_browser),
 * except their very first, written with the sign-in's audit row.
 */
export async function completeSignIn({
  token,
  context,
  browser = null,
}: {
  token: string;
  context: RequestContext;
  browser?: string | null;
}) {
  const consumed = await consumeVerifiedSignIn({ token });
  if (!consumed) return null;
  const { userId, method, organizationId } = consumed;
  // A single sign-on starts the session in the organization it signed in to; a password, in the oldest.
  const session = await createSession({
    userId,
    organizationId: organizationId ?? undefined,
    signedInBySso: method === 'sso',
    context,
  });
  await prisma.$transaction(async (tx) => {
    const seen = await rememberBrowser(tx, { userId, token: browser });
    await stampLastSignIn(tx, { userId, at: now() });
    await recordAccountEvent(tx, {
      userId,
      organizationId: session.organizationId,
      action: 'sign_in_succeeded',
      details: { sessionId: session.sessionId, method },
      context,
    });
    if (seen === 'new') {
      await recordAccountMailEvent(tx, {
        userId,
        organizationId: session.organizationId,
        type: 'account.new_browser',
        context,
      });
    }
  });
  return { userId, sessionToken: session.token };
}
