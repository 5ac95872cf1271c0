// POST /api/auth/second-factor/passkey — WebAuthn options for the passkey step of a sign-in.
import { z } from 'zod';
import { signInPasskeyOptions } from '@/lib/auth/sign-in';
import { json, readSignInRequest, signInStep } from '@/lib/auth/sign-in-http';

export function POST(request: Request) {
  return signInStep(async () => {
    const read = await readSignInRequest(request, z.object({}).strict());
    if ('response' in read) return read.response;
    const options = read.token ? await signInPasskeyOptions({ token: read.token }) : null;
    if (!options)
      return json(
        { status: 'expired', message: 'Your sign-in has expired. Enter your email and password again.' },
        401,
      );
    return json({ options }, 200);
  });
}
