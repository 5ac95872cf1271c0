import { describe, expect, it } from 'vitest';
import { clientAddress } from '@/lib/http/client-address';

const node = (remoteAddress: string | undefined, forwarded?: string) => ({
  headers: forwarded === undefined ? {} : { 'x-forwarded-for': forwarded },
  socket: { remoteAddress },
});

describe('clientAddress', () => {
  it('takes the peer from the last X-Forwarded-For hop of a Web request, whatever the client put before it', () => {
    const request = new Request('http://portal.test/', { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' } });
    expect(clientAddress(request)).toBe('203.0.113.9');
    expect(clientAddress(request.headers)).toBe('203.0.113.9');
    expect(clientAddress({ headers: { 'x-forwarded-for': '::ffff:198.51.100.7' } })).toBe('198.51.100.7');
    expect(clientAddress(new Headers())).toBeNull();
  });

  it("uses a Node socket's address unless TRUST_PROXY says the last hop is our proxy's", () => {
    expect(clientAddress(node('::ffff:192.0.2.1', '6.6.6.6'), false)).toBe('192.0.2.1');
    expect(clientAddress(node('192.0.2.1', '6.6.6.6, 203.0.113.9'), true)).toBe('203.0.113.9');
    expect(clientAddress(node('192.0.2.1'), true)).toBe('192.0.2.1');
    expect(clientAddress(node(undefined), false)).toBeNull();
  });

  it('keeps an address it cannot parse as it came', () => {
    expect(clientAddress({ headers: { 'x-forwarded-for': 'not-an-ip' } })).toBe('not-an-ip');
  });
});
