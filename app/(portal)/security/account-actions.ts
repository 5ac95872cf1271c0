'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getActor } from '@/lib/auth/session';
import { changePassword } from '@/lib/auth/change-password';
import { newPasswordSchema } from '@/lib/identity/password-policy';
import { endSessions } from '@/lib/data/sessions';
import { setReauthWindow } from '@/lib/data/organizations';
import { REAUTH_REQUIRED, REAUTH_WINDOW_CHOICES, needsReauthentication } from '@/lib/identity/reauth';
import { requestContext } from '@/lib/http/request';

type Result<T = object> =
  | ({ ok: true } & T)
  | { ok: false; message: string; fieldErrors?: Record<string, string>; code?: 'reauth_required' };

const SIGNED_OUT = { ok: false, message: 'Your session has ended. Sign in again to continue.' } as const;

/** Signs one of the user's own sessions out; another user's session id finds nothing. */
export async function endSessionAction(input: unknown): Promise<Result<{ current: boolean }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = z.object({ sessionId: z.uuid() }).strict().safeParse(input);
  if (!parsed.success) return { ok: false, message: 'This session has already ended. Reload the page.' };
  const current = parsed.data.sessionId === actor.session?.id;
  const ended = await endSessions({
    userId: actor.userId,
    sessionId: parsed.data.sessionId,
    reason: current ? 'signed_out' : 'signed_out_elsewhere',
    context: await requestContext(),
  });
  if (ended === 0) return { ok: false, message: 'This session has already ended. Reload the page.' };
  revalidatePath('/security');
  return { ok: true, current };
}

/** Ends every session of the user, this one included. */
export async function signOutEverywhereAction(): Promise<Result<{ ended: number }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const ended = await endSessions({ userId: actor.userId, reason: 'signed_out_everywhere', context: await requestContext() });
  return { ok: true, ended };
}

const passwordSchema = z
  .object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024), confirmPassword: z.string().max(1024) })
  .strict();

export async function changePasswordAction(input: unknown): Promise<Result<{ endedSessions: number }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = passwordSchema.safeParse(input);
  if (!parsed.success) return { ok: false, message: 'The request was not understood. Reload the page and try again.' };
  const { currentPassword, newPassword, confirmPassword } = parsed.data;
  const fieldErrors: Record<string, string> = {};
  if (!currentPassword) fieldErrors.currentPassword = 'Enter your current password.';
  const strong = newPasswordSchema.safeParse(newPassword);
  if (!strong.success) fieldErrors.newPassword = strong.error.issues[0]?.message ?? 'Choose another password.';
  else if (newPassword === currentPassword) fieldErrors.newPassword = 'Choose a password different from the current one.';
  else if (newPassword.toLowerCase() === actor.email.toLowerCase()) fieldErrors.newPassword = 'Do not use your email as the password.';
  if (!fieldErrors.newPassword && confirmPassword !== newPassword) fieldErrors.confirmPassword = 'The two new passwords differ.';
  if (Object.keys(fieldErrors).length > 0) return { ok: false, message: Object.values(fieldErrors)[0]!, fieldErrors };

  const result = await changePassword({ actor, currentPassword, newPassword, context: await requestContext() });
  if (!result.ok) {
    return { ok: false, message: result.message, ...(result.field ? { fieldErrors: { [result.field]: result.message } } : {}) };
  }
  revalidatePath('/security');
  return { ok: true, endedSessions: result.endedSessions };
}

/** The organization's re-authentication window; itself a sensitive change. */
export async function setReauthWindowAction(input: unknown): Promise<Result> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = z
    .object({ minutes: z.number().refine((value) => (REAUTH_WINDOW_CHOICES as readonly number[]).includes(value)) })
    .strict()
    .safeParse(input);
  if (!parsed.success) return { ok: false, message: 'Choose one of the offered durations.' };
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const result = await setReauthWindow({ actor, minutes: parsed.data.minutes, context: await requestContext() });
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath('/', 'layout');
  return { ok: true };
}
