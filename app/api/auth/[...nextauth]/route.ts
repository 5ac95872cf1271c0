// /api/auth/* — next-auth's endpoints (session, csrf, callback, sign-out), with what it does not do itself.
import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/options';
import { endedSessionAnswer } from '@/lib/auth/session';
import { serviceUnavailableJson } from '@/lib/http/unavailable';
import { NEXT_AUTH_PAGE_POLICY } from '@/lib/http/security-headers';

const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

/**
 * next-auth's own pages (the sign-out confirmation, the error page) get a Content-Security-Policy like every
 * other page. The error page only shows an error named in its query string, which anybody can write: it is a
 * bad request at worst, never the server error next-auth answers for `?error=Configuration`.
 */
async function answer(request: NextRequest, context: Context): Promise<Response> {
  const response: Response = await handler(request, context);
  if (!response.headers.get('content-type')?.startsWith('text/html')) return response;
  const [action] = (await context.params).nextauth;
  const headers = new Headers(response.headers);
  headers.set('Content-Security-Policy', NEXT_AUTH_PAGE_POLICY);
  const status = action === 'error' && response.status >= 500 ? 400 : response.status;
  return new Response(response.body, { status, statusText: '', headers });
}

export async function GET(request: NextRequest, context: Context): Promise<Response> {
  const [action] = (await context.params).nextauth;
  if (action === 'session') {
    const startedAt = Date.now();
    try {
      const ended = await endedSessionAnswer();
      if (ended) return ended;
    } catch (error) {
      return serviceUnavailableJson(error, startedAt);
    }
  }
  return answer(request, context);
}

export function POST(request: NextRequest, context: Context): Promise<Response> {
  return answer(request, context);
}
