'use server';

import { z } from 'zod';
import { changePassword } from '@/lib/auth/change-password';
import { newPasswordSchema } from '@/lib/identity/password-policy';
import { endSessions } from '@/lib/data/sessions';
import { setReauthWindow } from '@/lib/data/organizations';
import { setEmailPreference } from '@/lib/data/mail-preferences';
import { isMailCategory } from '@/lib/events/mail';
import { REAUTH_WINDOW_CHOICES } from '@/lib/identity/reauth';
import { INVALID_REQUEST, run, type ActionResult } from '@/lib/actions/run';
import { fail, type Result } from '@/lib/result';

const SESSION_GONE = fail('not_found', 'This session has already ended. Reload the page.');

/** Signs one of the user's own sessions out; another user's session id finds nothing. */
export async function endSessionAction(input: unknown): Promise<ActionResult<{ current: boolean }>> {
  const options = {
    schema: z.object({ sessionId: z.uuid() }).strict(),
    invalid: SESSION_GONE,
    revalidate: { path: '/security' },
  };
  return run(input, options, async ({ actor, data, context }) => {
    const current = data.sessionId === actor.session?.id;
    const ended = await endSessions({
      userId: actor.userId,
      sessionId: data.sessionId,
      reason: current ? 'signed_out' : 'signed_out_elsewhere',
      context,
    });
    return ended === 0 ? SESSION_GONE : { ok: true, current };
  });
}

/** Ends every session of the user, this one included. */
export async function signOutEverywhereAction(): Promise<ActionResult<{ ended: number }>> {
  return run(undefined, { schema: z.undefined(), revalidate: false }, async ({ actor, context }) => {
    const ended = await endSessions({ userId: actor.userId, reason: 'signed_out_everywhere', context });
    return { ok: true, ended };
  });
}

const passwordSchema = z
  .object({
    currentPassword: z.string().max(1024),
    newPassword: z.string().max(1024),
    confirmPassword: z.string().max(1024),
  })
  .strict();

export async function changePasswordAction(input: unknown): Promise<ActionResult<{ endedSessions: number }>> {
  return run(
    input,
    { schema: passwordSchema, invalid: INVALID_REQUEST, revalidate: { path: '/security' } },
    async ({ actor, data, context }) => {
      const { currentPassword, newPassword, confirmPassword } = data;
      const fieldErrors: Record<string, string> = {};
      if (!currentPassword) fieldErrors.currentPassword = 'Enter your current password.';
      const strong = newPasswordSchema.safeParse(newPassword);
      if (!strong.success) fieldErrors.newPassword = strong.error.issues[0]?.message ?? 'Choose another password.';
      else if (newPassword === currentPassword)
        fieldErrors.newPassword = 'Choose a password different from the current one.';
      else if (newPassword.toLowerCase() === actor.email.toLowerCase())
        fieldErrors.newPassword = 'Do not use your email as the password.';
      if (!fieldErrors.newPassword && confirmPassword !== newPassword)
        fieldErrors.confirmPassword = 'The two new passwords differ.';
      if (Object.keys(fieldErrors).length > 0)
        return { ok: false, code: 'invalid_input', message: Object.values(fieldErrors)[0]!, fieldErrors };

      const result = await changePassword({ actor, currentPassword, newPassword, context });
      return result.ok ? { ok: true, endedSessions: result.endedSessions } : result;
    },
  );
}

/** The organization's re-authentication window; itself a sensitive change. */
export async function setReauthWindowAction(input: unknown): Promise<ActionResult> {
  const schema = z
    .object({ minutes: z.number().refine((value) => (REAUTH_WINDOW_CHOICES as readonly number[]).includes(value)) })
    .strict();
  const options = {
    schema,
    invalid: fail('invalid_input', 'Choose one of the offered durations.'),
    sensitive: true,
    revalidate: { path: '/', type: 'layout' as const },
  };
  return run(
    input,
    options,
    ({ actor, data, context }): Promise<Result> => setReauthWindow({ actor, minutes: data.minutes, context }),
  );
}

/** One "Email me about …" box of the actor's own: admins choose which organization emails they get. */
export async function setEmailPreferenceAction(input: unknown): Promise<ActionResult<{ enabled: boolean }>> {
  const schema = z.object({ category: z.string().refine(isMailCategory), enabled: z.boolean() }).strict();
  const options = {
    schema,
    invalid: fail('invalid_input', 'Choose one of the listed emails.'),
    revalidate: { path: '/security' },
  };
  return run(input, options, ({ actor, data }) =>
    setEmailPreference({ actor, category: data.category, enabled: data.enabled }),
  );
}
