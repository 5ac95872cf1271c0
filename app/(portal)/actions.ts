'use server';

import { z } from 'zod';
import { confirmIdentity, confirmPasskeyOptions } from '@/lib/auth/confirm-identity';
import { run, type ActionResult } from '@/lib/actions/run';
import { invalidInput } from '@/lib/result';
import { switchOrganization } from '@/lib/data/sessions';

const answerSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('password'), password: z.string().min(1, 'Enter your password.').max(1024) }).strict(),
  z
    .object({ method: z.literal('totp'), code: z.string().trim().min(1, 'Enter the code from your app.').max(16) })
    .strict(),
  z
    .object({
      method: z.literal('passkey'),
      challengeToken: z.string().min(1).max(128),
      response: z.record(z.string(), z.unknown()),
    })
    .strict(),
]);

/** An unusable answer belongs next to the field the dialog showed: the code's for an app, else the password's. */
function invalidAnswer(error: z.ZodError, input: unknown) {
  const message = error.issues[0]?.message ?? 'The request was not understood.';
  const method = (input as { method?: string } | null)?.method;
  return invalidInput(message, method === 'totp' ? 'code' : 'password');
}

/** The "Confirm it's you" dialog: proves identity again and opens sensitive actions for the window. */
export async function confirmIdentityAction(input: unknown): Promise<ActionResult> {
  return run(input, { schema: answerSchema, invalid: invalidAnswer, revalidate: false }, ({ actor, data, context }) =>
    confirmIdentity({ actor, answer: data, context }),
  );
}

export async function confirmPasskeyOptionsAction() {
  return run(undefined, { schema: z.undefined(), revalidate: false }, async ({ actor }) => {
    const { options, challengeToken } = await confirmPasskeyOptions({ actor });
    return { ok: true as const, options, challengeToken };
  });
}

const switchSchema = z.object({ organizationId: z.uuid() }).strict();

/**
 * The organization switcher: the session works in another organization of the user's from the next request
 * on. The id is only a wish; the data layer matches it against the user's memberships in its `where`.
 */
export async function switchOrganizationAction(input: unknown): Promise<ActionResult<{ organizationId: string }>> {
  return run(input, { schema: switchSchema, revalidate: { path: '/', type: 'layout' } }, ({ actor, data, context }) =>
    switchOrganization({ actor, organizationId: data.organizationId, context }),
  );
}
