import ipaddr from 'ipaddr.js';
import { env } from '@/lib/env';

type NodeHeaders = Record<string, string | string[] | undefined>;
type HeaderList = Pick<Headers, 'get'> | NodeHeaders;

/** Anything a request arrives as: a Web `Request` or its headers, Node's `IncomingMessage`, next-auth's request. */
export type AddressSource = HeaderList | { headers: HeaderList; socket?: { remoteAddress?: string } };

/**
 * Parsing an address costs more than the rest of a cached token request's bookkeeping, and the same few
 * addresses (keep-alive clients, our proxies) come back thousands of times a second: remember the answers.
 */
const canonicalAddresses = new Map<string, string>();
const MAX_CANONICAL_ADDRESSES = 10_000;

function isHeaderList(value: unknown): value is Pick<Headers, 'get'> {
  return typeof (value as Headers).get === 'function';
}

function forwardedFor(headers: HeaderList): string | null {
  if (isHeaderList(headers)) return headers.get('x-forwarded-for');
  const value = headers['x-forwarded-for'];
  return (Array.isArray(value) ? value.join(',') : value) ?? null;
}

/** The address our own proxy appended to X-Forwarded-For (earlier hops are whatever the client sent). */
function lastHop(headers: HeaderList): string | undefined {
  return forwardedFor(headers)?.split(',').at(-1)?.trim() || undefined;
}

/**
 * The one answer to "where did this request come from", for rate limits, allowlists and the audit trail.
 * On Node's own server (the token endpoint's fast path) it is the socket's address, or with TRUST_PROXY=1
 * the address our own proxy appended to X-Forwarded-For (the last hop; earlier ones are whatever the
 * client sent). Behind Next.js (or server/instance.ts, which overwrites the header unless TRUST_PROXY=1) the
 * peer is the last hop of X-Forwarded-For. Null when nothing says.
 */
export function clientAddress(source: AddressSource, trustProxy = env.TRUST_PROXY): string | null {
  const request =
    !isHeaderList(source) && typeof source.headers === 'object' && source.headers !== null
      ? (source as Exclude<AddressSource, HeaderList>)
      : null;
  // Without a trusted proxy, a socket's peer is the answer: X-Forwarded-For is not even read (the fast path).
  const raw =
    request?.socket && !trustProxy
      ? request.socket.remoteAddress
      : (lastHop(request ? request.headers : (source as HeaderList)) ?? request?.socket?.remoteAddress);
  if (!raw) return null;
  let canonical = canonicalAddresses.get(raw);
  if (canonical === undefined) {
    // One spelling per address: IPv4 peers of a dual-stack socket arrive as ::ffff:a.b.c.d.
    try {
      canonical = ipaddr.process(raw).toString();
    } catch {
      canonical = raw;
    }
    if (canonicalAddresses.size >= MAX_CANONICAL_ADDRESSES) canonicalAddresses.clear();
    canonicalAddresses.set(raw, canonical);
  }
  return canonical;
}
