/**
 * Which URLs the server may fetch on an admin's behalf (a JWKS, an OIDC issuer's discovery document): the one
 * rule, shared by the portal (checked when the URL is entered) and the token endpoint (checked again before
 * every fetch). The caller says whether plain http on loopback is allowed (the test setting
 * OAUTH_ALLOW_LOOPBACK_HTTP), so that this module reads no environment.
 */

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost');
}

export type RemoteUrlCheck = { ok: true; url: URL } | { ok: false; message: string };

/** https anywhere, or http on loopback when allowed; no credentials in the URL, no fragment. */
export function checkRemoteUrl(
  text: string,
  {
    allowLoopbackHttp,
    example = 'https://example.com/.well-known/jwks.json',
  }: { allowLoopbackHttp: boolean; example?: string },
): RemoteUrlCheck {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: `Enter a full URL, e.g. ${example}.` };
  }
  if (url.username || url.password) return { ok: false, message: 'Remove the user name and password from the URL.' };
  if (url.hash) return { ok: false, message: 'Remove the #fragment from the URL.' };
  if (url.protocol === 'https:') return { ok: true, url };
  if (url.protocol === 'http:' && allowLoopbackHttp && isLoopbackHost(url.hostname)) return { ok: true, url };
  return { ok: false, message: 'Use an https:// URL.' };
}
