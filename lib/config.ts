/**
 * Public addresses shown on the credentials page. The token endpoint lives under
 * the authorization base URL, the REST API under the API base URL.
 */
export function publicUrls(requestOrigin: string) {
  const origin = trimSlash(process.env.PORTAL_URL ?? process.env.NEXTAUTH_URL ?? requestOrigin);
  return {
    authorizationBaseUrl: trimSlash(process.env.AUTH_BASE_URL ?? origin),
    apiBaseUrl: trimSlash(process.env.API_BASE_URL ?? `${origin}/api/v1`),
  };
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
