import { env, type Env } from '@/lib/env';

/**
 * The portal's configured address as an origin (PORTAL_URL, else NEXTAUTH_URL: where people sign in, the
 * WebAuthn relying party, the sign-in links handed out); null when neither is set.
 */
export function configuredPortalOrigin(values: Env = env): string | null {
  const url = values.PORTAL_URL ?? values.NEXTAUTH_URL;
  return url ? new URL(url).origin : null;
}

/**
 * The host a request was addressed to: its Host, or with TRUST_PROXY=1 the X-Forwarded-Host of our own
 * proxy (its first entry, as Next.js reads it for its own server-action check). Without a trusted proxy a
 * client-sent X-Forwarded-Host is not believed.
 */
export function requestHost(headers: Pick<Headers, 'get'>, trustProxy: boolean = env.TRUST_PROXY): string | null {
  const forwarded = trustProxy ? headers.get('x-forwarded-host')?.split(',')[0]?.trim() : undefined;
  return forwarded || headers.get('host');
}

/** Whether a Host value names the host of `origin`, its default port written or not. */
export function isHostOf(host: string | null, origin: string): boolean {
  if (!host) return false;
  try {
    const expected = new URL(origin);
    return new URL(`${expected.protocol}//${host}`).host === expected.host;
  } catch {
    return false;
  }
}

/** Paths for programs rather than people (the APIs, discovery and keys, health, assets): served at any address. */
function forPrograms(path: string): boolean {
  return (
    path === '/api' ||
    path.startsWith('/api/') ||
    path.startsWith('/.well-known/') ||
    path.startsWith('/_next/') ||
    path === '/healthz' ||
    path === '/readyz'
  );
}

/**
 * What a request for a page at another address than the portal's configured one gets: a GET or HEAD is sent
 * to the same path there (the session cookie, the sign-in check and passkeys all belong to that address); any
 * other method, which cannot be redirected, a refusal naming it. Null for a request at the portal's address,
 * for the paths programs use, and when no address is configured.
 */
export function otherAddressAnswer(
  request: { method: string; target: string; headers: Pick<Headers, 'get'> },
  portal: string | null = configuredPortalOrigin(),
  trustProxy: boolean = env.TRUST_PROXY,
): { redirect: string } | { refuse: string } | null {
  if (!portal) return null;
  const path = request.target.split('?', 1)[0]!;
  if (forPrograms(path) || isHostOf(requestHost(request.headers, trustProxy), portal)) return null;
  if (request.method === 'GET' || request.method === 'HEAD')
    return { redirect: `${portal}${request.target.startsWith('/') ? request.target : '/'}` };
  return { refuse: `This is not the portal's address: use ${portal}.` };
}
