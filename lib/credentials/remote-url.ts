import ipaddr from 'ipaddr.js';

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

/** What each range that is not public is called in a refusal. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback',
  private: 'a private',
  uniqueLocal: 'a private (unique-local)',
  linkLocal: 'a link-local (cloud metadata)',
  carrierGradeNat: 'a shared (carrier-grade NAT)',
  unspecified: 'an unspecified',
  multicast: 'a multicast',
  broadcast: 'a broadcast',
};

/**
 * Why the server must not connect to this address, or null when it may (SSRF): only public unicast
 * addresses, plus loopback when `allowLoopback`. An IPv4-mapped IPv6 address counts as the IPv4 address it
 * carries, so ::ffff:127.0.0.1 is loopback and ::ffff:10.0.0.1 private. Used for a URL whose host is an
 * address and for every address a host name resolves to.
 */
export function addressRefusal(address: string, { allowLoopback }: { allowLoopback: boolean }): string | null {
  let range: string;
  try {
    range = ipaddr.process(address).range();
  } catch {
    return `${address} is not an IP address.`;
  }
  if (range === 'unicast' || (range === 'loopback' && allowLoopback)) return null;
  return `${address} is ${RANGE_WORDS[range] ?? 'a reserved'} address, not a public one.`;
}

/** The address a URL's hostname names (IPv6 without its brackets), or null when the hostname is a name. */
export function hostAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return ipaddr.isValid(bare) ? bare : null;
}

export type RemoteUrlCheck = { ok: true; url: URL } | { ok: false; message: string };

/**
 * https anywhere, or http on loopback when allowed; no credentials in the URL, no fragment. A host written
 * as an address must be a public one (loopback only when allowed): the fetch's resolver, which refuses
 * names that resolve to such addresses, is never asked about a host that is already an address. The URL
 * parser has normalised the forms that hide one (2130706433, 0x7f.1, [::ffff:127.0.0.1]).
 */
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
  if (url.protocol === 'http:' && !(allowLoopbackHttp && isLoopbackHost(url.hostname)))
    return { ok: false, message: 'Use an https:// URL.' };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, message: 'Use an https:// URL.' };
  const address = hostAddress(url.hostname);
  const refused = address && addressRefusal(address, { allowLoopback: allowLoopbackHttp });
  if (refused) return { ok: false, message: `The server fetches only from public hosts: ${refused}` };
  return { ok: true, url };
}
