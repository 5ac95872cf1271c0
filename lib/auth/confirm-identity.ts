import 'server-only';
// Malformed responses are refused inside verifyPasskeyAuthentication; the cast only names the shape it checks.
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { Actor } from '@/lib/identity/actor';
import { checkIdentity, isOwnPassword } from '@/lib/auth/identity-check';
import type { RequestContext } from '@/lib/data/audit';
import { consumeConfirmChallenge, createConfirmChallenge } from '@/lib/data/auth-challenges';
import { markReauthenticated } from '@/lib/data/sessions';
import { passkeyAuthenticationOptions, verifyPasskeyAuthentication, verifyTotpCode } from '@/lib/data/two-factor';
import { fail, type Result } from '@/lib/result';

export type IdentityAnswer =
  | { method: 'password'; password: string }
  | { method: 'totp'; code: string }
  | { method: 'passkey'; challengeToken: string; response: unknown };

export type ConfirmResult = Result<object, 'signed_out' | 'invalid_credentials' | 'invalid_code' | 'rate_limited'>;

const WRONG: Record<IdentityAnswer['method'], ConfirmResult> = {
  password: fail('invalid_credentials', 'That password is not correct.', 'password'),
  totp: fail('invalid_code', 'That code is not valid.', 'code'),
  passkey: fail('invalid_credentials', 'That passkey was not accepted. Try again or use your password.'),
};

function attemptFor(actor: Actor, answer: IdentityAnswer): () => Promise<boolean | 'busy'> {
  if (answer.method === 'password') return isOwnPassword(actor, answer.password);
  if (answer.method === 'totp') return () => verifyTotpCode({ userId: actor.userId, code: answer.code });
  return async () => {
    const challenge = await consumeConfirmChallenge({ userId: actor.userId, token: answer.challengeToken });
    return (
      challenge !== null &&
      verifyPasskeyAuthentication({
        userId: actor.userId,
        response: answer.response as AuthenticationResponseJSON,
        expectedChallenge: challenge,
      })
    );
  };
}

/**
 * Re-authentication ("sudo mode"): success opens sensitive actions in this session for the
 * organization's window.
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
  if (!actor.session) return fail('signed_out', 'Your session has ended. Sign in again to continue.');
  const checked = await checkIdentity(actor, context, `confirm_${answer.method}`, attemptFor(actor, answer));
  if (!checked.ok)
    return checked.wrong || !checked.message ? WRONG[answer.method] : fail('rate_limited', checked.message);
  await markReauthenticated({ userId: actor.userId, sessionId: actor.session.id, context });
  return { ok: true };
}

/** WebAuthn options for confirming with a passkey; the token names the stored challenge. */
export async function confirmPasskeyOptions({ actor }: { actor: Actor }) {
  const options = await passkeyAuthenticationOptions({ userId: actor.userId });
  const { token } = await createConfirmChallenge({ userId: actor.userId, challenge: options.challenge });
  return { options, challengeToken: token };
}
