import { env } from '@/lib/env';
/**
 * Public addresses shown on the credentials page. The token endpoint lives under
 * the authorization base URL, the REST API under the API base URL.
 */
export function publicUrls(requestOrigin: string) {
  const origin = trimSlash(env.PORTAL_URL ?? env.NEXTAUTH_URL ?? requestOrigin);
  return {
    authorizationBaseUrl: trimSlash(env.AUTH_BASE_URL ?? origin),
    apiBaseUrl: trimSlash(env.API_BASE_URL ?? `${origin}/api/v1`),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
