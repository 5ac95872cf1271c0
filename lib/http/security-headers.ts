import { env, envOf, type RawEnv } from '@/lib/env';

/** Response headers that harden every page and API answer; used by proxy.ts and by server/instance.ts. */

/** Whether the portal is served over https (then browsers are told to stay on https). */
export function portalIsHttps(source?: RawEnv): boolean {
  const values = source ? envOf(source) : env;
  return (values.PORTAL_URL ?? values.NEXTAUTH_URL ?? '').startsWith('https://');
}

/** Two years, subdomains included: only sent when the portal's own URL is https. */
export function transportSecurityHeaders(source?: RawEnv): Record<string, string> {
  return portalIsHttps(source) ? { 'Strict-Transport-Security': 'max-age=63072000; includeSubDomains' } : {};
}

/** What every API response carries: never cached, never content-sniffed. */
export function apiSecurityHeaders(source?: RawEnv): Record<string, string> {
  return { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', ...transportSecurityHeaders(source) };
}

/** A policy that lets a document run and load nothing: for answers that are not the portal's pages. */
export const LOCKED_DOWN_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * next-auth's own pages (its sign-out confirmation and error page): one inline style sheet and a form that
 * posts back to the portal, no scripts.
 */
export const NEXT_AUTH_PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * What server/instance.ts sets on every answer before anything is written, so that answers made before or
 * outside proxy.ts (Next's redirects and early errors, the instance's own refusals) carry them too: the
 * headers next.config.mjs adds to Next's answers; on API paths no-store; elsewhere a CSP that runs nothing,
 * which proxy.ts replaces with the pages' own. Whoever answers later may still set any of them.
 */
export function baselineSecurityHeaders(path: string, source?: RawEnv): Record<string, string> {
  return {
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
    ...(path === '/api' || path.startsWith('/api/')
      ? { 'Cache-Control': 'no-store' }
      : { 'Content-Security-Policy': LOCKED_DOWN_POLICY }),
    ...transportSecurityHeaders(source),
  };
}

/**
 * The pages' Content-Security-Policy: scripts only with this response's nonce (and what they load, via
 * 'strict-dynamic'), no plugins, no <base>, no framing, forms and connections to this origin only.
 * Styles allow inline attributes: Radix and sonner position popovers and toasts with style attributes.
 * `next dev` alone needs 'unsafe-eval' (React's debugging); production never gets it.
 */
export function contentSecurityPolicy(nonce: string, { dev = false, https = false } = {}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}
