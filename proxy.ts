// Runs before every page and API route: a fresh CSP nonce per page, security headers, and a 403 for a
// server action (or any form post) sent from another origin, which Next.js would otherwise answer with a 500.
import { NextResponse, type NextRequest } from 'next/server';
import {
  apiSecurityHeaders,
  contentSecurityPolicy,
  portalIsHttps,
  transportSecurityHeaders,
} from '@/lib/http/security-headers';

function foreignOrigin(request: NextRequest): boolean {
  const origin = request.headers.get('origin');
  if (!origin || origin === 'null') return origin === 'null';
  const host = request.headers.get('x-forwarded-host') ?? request.headers.get('host');
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

export function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  if (pathname.startsWith('/api/')) {
    const response = NextResponse.next();
    for (const [name, value] of Object.entries(apiSecurityHeaders())) response.headers.set(name, value);
    return response;
  }

  if (request.method === 'POST' && foreignOrigin(request)) {
    return new NextResponse(
      JSON.stringify({ error: 'forbidden', error_description: 'Cross-origin requests are not allowed.' }),
      {
        status: 403,
        headers: { 'Content-Type': 'application/json', ...apiSecurityHeaders() },
      },
    );
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
