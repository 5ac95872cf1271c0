// Runs before every page and API route: a fresh CSP nonce per page, security headers, and for a server action
// (or any form post to a page) sent from another origin, or whose body cannot be decoded, the 4xx it deserves
// rather than Next.js's 500. (Requests at another address than the portal's: server/instance.ts.)
import { NextResponse, type NextRequest } from 'next/server';
import {
  apiSecurityHeaders,
  contentSecurityPolicy,
  portalIsHttps,
  transportSecurityHeaders,
} from '@/lib/http/security-headers';
import { requestHost } from '@/lib/http/portal-address';
import { isServerActionRequest, serverActionBodyProblem } from '@/lib/http/server-action-request';

function foreignOrigin(request: NextRequest): boolean {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== requestHost(request.headers);
  } catch {
    return true;
  }
}

function refusal(status: number, error: string, description: string): NextResponse {
  return new NextResponse(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'Content-Type': 'application/json', ...apiSecurityHeaders() },
  });
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  // Every POST to a page; and a server action on any path, /api/* too, where Next.js takes one for the
  // not-found page when no route handler answers the POST.
  const action = isServerActionRequest(request.method, request.headers);
  if ((action || (request.method === 'POST' && !pathname.startsWith('/api/'))) && foreignOrigin(request))
    return refusal(403, 'forbidden', 'Cross-origin requests are not allowed.');
  if (action) {
    const problem = await serverActionBodyProblem(request);
    if (problem)
      return refusal(problem.status, problem.status === 413 ? 'too_large' : 'invalid_request', problem.message);
  }

  if (pathname.startsWith('/api/')) {
    const response = NextResponse.next();
    for (const [name, value] of Object.entries(apiSecurityHeaders())) response.headers.set(name, value);
    return response;
  }

  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
  // NODE_ENV is not configuration: Next.js replaces it with a constant when it builds.
  const csp = contentSecurityPolicy(nonce, { dev: process.env.NODE_ENV === 'development', https: portalIsHttps() });
  // Next.js reads the nonce from the request's CSP header and puts it on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set('Content-Security-Policy', csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set('Content-Security-Policy', csp);
  for (const [name, value] of Object.entries(transportSecurityHeaders())) response.headers.set(name, value);
  return response;
}

// Prefetches too: they are cheap here, and every POST must meet the origin check.
export const config = { matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'] };
