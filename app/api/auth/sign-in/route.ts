// POST /api/auth/sign-in — the password step of signing in (throttled before argon2 runs).
import { z } from 'zod';
import { passwordStep } from '@/lib/auth/sign-in';
import { browserTokenFor, readSignInRequest, signInResponse, signInStep } from '@/lib/auth/sign-in-http';

const schema = z.object({ email: z.string().trim().min(1).max(254), password: z.string().min(1).max(1024) }).strict();

export function POST(request: Request) {
  return signInStep(async () => {
    const read = await readSignInRequest(request, schema);
    if ('response' in read) return read.response;
    const result = await passwordStep({ ...read.data, context: read.context });
    return signInResponse(result, 'The email or password is incorrect.', browserTokenFor(request));
  });
}
