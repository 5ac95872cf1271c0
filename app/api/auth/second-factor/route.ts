// POST /api/auth/second-factor — the second step of signing in: an authenticator code, a recovery code or a passkey.
import { z } from 'zod';
import { secondFactorStep } from '@/lib/auth/sign-in';
import { json, readSignInRequest, signInStep, signInResponse } from '@/lib/auth/sign-in-http';

const schema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('totp'), code: z.string().trim().max(16) }).strict(),
  z.object({ method: z.literal('recovery'), code: z.string().trim().max(64) }).strict(),
  z.object({ method: z.literal('passkey'), response: z.record(z.string(), z.unknown()) }).strict(),
]);

export function POST(request: Request) {
  return signInStep(async () => {
    const read = await readSignInRequest(request, schema);
    if ('response' in read) return read.response;
    if (!read.token)
      return json(
        { status: 'expired', message: 'Your sign-in has expired. Enter your email and password again.' },
        401,
      );
    const result = await secondFactorStep({ token: read.token, answer: read.data, context: read.context });
    const wrong =
      read.data.method === 'passkey'
        ? 'That passkey was not accepted. Try again or use another method.'
        : 'That code is not valid.';
    return signInResponse(result, wrong);
  });
}
