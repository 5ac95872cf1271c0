'use server';

import { z } from 'zod';
import { getActor } from '@/lib/auth/session';
import { confirmIdentity, confirmPasskeyOptions } from '@/lib/auth/confirm-identity';
import { requestContext } from '@/lib/http/request';

const SIGNED_OUT = { ok: false, message: 'Your session has ended. Sign in again to continue.' } as const;

const answerSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('password'), password: z.string().min(1, 'Enter your password.').max(1024) }).strict(),
  z.object({ method: z.literal('totp'), code: z.string().trim().min(1, 'Enter the code from your app.').max(16) }).strict(),
  z.object({ method: z.literal('passkey'), challengeToken: z.string().min(1).max(128), response: z.record(z.string(), z.unknown()) }).strict(),
]);

/** The "Confirm it's you" dialog: proves identity again and opens sensitive actions for the window. */
export async function confirmIdentityAction(
  input: unknown,
): Promise<{ ok: true } | { ok: false; message: string; fieldErrors?: Record<string, string> }> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = answerSchema.safeParse(input);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'The request was not understood.';
    const method = (input as { method?: string } | null)?.method;
    return { ok: false, message, fieldErrors: method === 'totp' ? { code: message } : { password: message } };
  }
  const result = await confirmIdentity({ actor, answer: parsed.data, context: await requestContext() });
  if (result.ok) return { ok: true };
  return { ok: false, message: result.message, ...(result.field ? { fieldErrors: { [result.field]: result.message } } : {}) };
}

export async function confirmPasskeyOptionsAction() {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const { options, challengeToken } = await confirmPasskeyOptions({ actor });
  return { ok: true as const, options, challengeToken };
}
