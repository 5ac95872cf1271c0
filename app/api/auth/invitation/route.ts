// POST /api/auth/invitation — a new person accepts an invitation: their account, then a verified sign-in.
import { z } from 'zod';
import { acceptAsNewPerson } from '@/lib/auth/accept-invitation';
import { SIGN_IN_BUSY_MESSAGE } from '@/lib/auth/password-check-limit';
import { browserTokenFor, json, readSignInRequest, signInResponse, signInStep } from '@/lib/auth/sign-in-http';
import { newPasswordSchema } from '@/lib/identity/password-policy';

const schema = z
  .object({ token: z.string().max(200), name: z.string().max(1000), password: z.string().max(1024) })
  .strict();

const fields = z.object({
  name: z.string().trim().min(1, 'Enter your name.').max(100, 'Use at most 100 characters.'),
  password: newPasswordSchema,
});

export function POST(request: Request) {
  return signInStep(async () => {
    const read = await readSignInRequest(request, schema);
    if ('response' in read) return read.response;
    const checked = fields.safeParse(read.data);
    if (!checked.success) {
      const fieldErrors: Record<string, string> = {};
      for (const issue of checked.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
      return json({ status: 'invalid', message: checked.error.issues[0]?.message, fieldErrors }, 400);
    }
    const result = await acceptAsNewPerson({ token: read.data.token, ...checked.data, context: read.context });
    if (!result.ok) {
      if (result.code === 'busy')
        return json({ status: 'busy', message: SIGN_IN_BUSY_MESSAGE }, 503, { 'retry-after': '1' });
      return json({ status: 'refused', message: result.message }, result.code === 'conflict' ? 409 : 410);
    }
    return signInResponse({ status: 'verified', token: result.signInToken }, '', browserTokenFor(request));
  });
}
