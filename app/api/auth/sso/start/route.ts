// POST /api/auth/sso/start — "Continue with single sign-on": the organization by the email's domain, and the
// address of its identity provider to send the browser to.
import { z } from 'zod';
import { startSso } from '@/lib/auth/sso';
import { json, readSignInRequest, secure, signInStep } from '@/lib/auth/sign-in-http';
import { ssoBrowserCookie } from '@/lib/auth/sign-in-cookie';
import { SSO_ERRORS } from '@/lib/sso/rules';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';
import { portalUrl } from '@/lib/env';

const schema = z
  .object({ email: z.string().trim().min(3).max(254), callbackUrl: z.string().max(2048).optional() })
  .strict();

export function POST(request: Request) {
  return signInStep(async () => {
    const read = await readSignInRequest(request, schema, 'Enter your work email.');
    if ('response' in read) return read.response;
    // Only the portal's own paths: the page to open after signing in, kept with the trip.
    const returnPath = safeCallbackPath(read.data.callbackUrl, portalUrl());
    const started = await startSso({ email: read.data.email, returnPath });
    if (!started.ok) {
      const status = started.error === 'no_connection' ? 404 : 502;
      return json({ status: started.error, message: SSO_ERRORS[started.error] }, status);
    }
    return json({ status: 'redirect', url: started.url }, 200, {
      'set-cookie': ssoBrowserCookie(started.browserToken, secure()),
    });
  });
}
