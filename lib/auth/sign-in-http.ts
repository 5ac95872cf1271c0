import 'server-only';
import { AUTH_BODY_LIMIT_BYTES } from '@/lib/http/body-limit';
import type { z } from 'zod';
import type { SignInStepResult } from '@/lib/auth/sign-in';
import { throttleMessage } from '@/lib/auth/sign-in-throttle';
import { SIGN_IN_BUSY_MESSAGE } from '@/lib/auth/password-check-limit';
import {
  SIGN_IN_COOKIE,
  browserCookie,
  newBrowserToken,
  readBrowserToken,
  readCookie,
  signInCookie,
} from '@/lib/auth/sign-in-cookie';
import { readBodyLimited } from '@/lib/http/request';
import { clientAddress } from '@/lib/http/client-address';
import type { RequestContext } from '@/lib/data/audit';
import { RETRY_AFTER_SECONDS, UNAVAILABLE_MESSAGE, failedForDatabase } from '@/lib/db/availability';
import { env } from '@/lib/env';
import { configuredPortalOrigin } from '@/lib/http/portal-address';
import { SSO_REQUIRED_MESSAGE } from '@/lib/sso/rules';

const NO_STORE = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

/**
 * Runs a sign-in step; an unreachable database answers 503 with Retry-After, never "wrong password".
 */
export async function signInStep(run: () => Promise<Response>): Promise<Response> {
  const startedAt = Date.now();
  try {
    return await run();
  } catch (error) {
    if (!failedForDatabase(error, startedAt)) throw error;
    return json({ status: 'unavailable', message: UNAVAILABLE_MESSAGE }, 503, {
      'retry-after': String(RETRY_AFTER_SECONDS),
    });
  }
}

export function json(body: object, status: number, headers: Record<string, string> = {}) {
  return Response.json(body, { status, headers: { ...NO_STORE, ...headers } });
}

/**
 * Reads a sign-in request: from the portal's configured address (a browser on another site cannot sign a
 * victim in as the attacker; the portal opened at another address is told which to use), at most 16 KiB,
 * JSON matching the schema. Returns the data or the response to send.
 */
export async function readSignInRequest<S extends z.ZodType>(
  request: Request,
  schema: S,
  invalidMessage = 'Enter your email and password.',
): Promise<{ response: Response } | { data: z.infer<S>; context: RequestContext; token: string | null }> {
  const origin = request.headers.get('origin');
  const expected = configuredPortalOrigin();
  if (origin && expected && origin !== expected)
    return { response: json({ message: `Sign in at ${expected}: this page is not the portal's address.` }, 403) };
  const text = await readBodyLimited(request, AUTH_BODY_LIMIT_BYTES);
  if (text === null) return { response: json({ message: 'The request is too large.' }, 413) };
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) return { response: json({ message: invalidMessage }, 400) };
  const context: RequestContext = {
    address: clientAddress(request),
    userAgent: request.headers.get('user-agent'),
  };
  return { data: parsed.data as z.infer<S>, context, token: readCookie(request.headers.get('cookie'), SIGN_IN_COOKIE) };
}

/** Whether the portal's cookies carry Secure: when it is served over https. */
export const secure = () => (env.NEXTAUTH_URL ?? '').startsWith('https:');

/**
 * The browser cookie to send with a right password: the request's own (renewed), or a new one for a browser
 * that has none, so that completing the sign-in can tell whether this browser was seen before.
 */
export function browserTokenFor(request: Request): string {
  return readBrowserToken(request.headers.get('cookie')) ?? newBrowserToken();
}

/** A passed step's answer: the sign-in cookie, and the browser cookie when given. */
function passed(body: object, token: string, browser: string | undefined): Response {
  const response = json(body, 200, { 'set-cookie': signInCookie(token, secure()) });
  if (browser) response.headers.append('set-cookie', browserCookie(browser, secure()));
  return response;
}

/** One wire shape for every step's outcome; `browser`, the browser cookie to set once the password was right. */
export function signInResponse(result: SignInStepResult, wrongMessage: string, browser?: string): Response {
  switch (result.status) {
    case 'verified':
      return passed({ status: 'verified' }, result.token, browser);
    case 'second_factor':
      return passed({ status: 'second_factor', methods: result.methods }, result.token, browser);
    case 'invalid':
      return json({ status: 'invalid', message: wrongMessage }, 401);
    case 'expired':
      return json(
        { status: 'expired', message: 'Your sign-in has expired. Enter your email and password again.' },
        401,
        { 'set-cookie': signInCookie(null, secure()) },
      );
    case 'throttled':
      return json({ status: 'throttled', message: throttleMessage(result.retryAfterSeconds) }, 429, {
        'retry-after': String(result.retryAfterSeconds),
      });
    case 'busy':
      return json({ status: 'busy', message: SIGN_IN_BUSY_MESSAGE }, 503, { 'retry-after': '1' });
    case 'sso_required':
      return json({ status: 'sso_required', message: SSO_REQUIRED_MESSAGE }, 403);
  }
}
