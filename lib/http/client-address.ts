import ipaddr from 'ipaddr.js';

/**
 * The address failures are counted against: the socket's, or with TRUST_PROXY=1 the address our own
 * proxy appended to X-Forwarded-For (the last hop; earlier ones are whatever the client sent).
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | null | undefined): string {
  const raw = process.env.TRUST_PROXY === '1' && forwardedFor ? forwardedFor.split(',').at(-1)!.trim() : socketAddress;
  if (!raw) return 'unknown';
  // One spelling per address: IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d.
  try {
    return ipaddr.process(raw).toString();
  } catch {
    return raw;
  }
}
