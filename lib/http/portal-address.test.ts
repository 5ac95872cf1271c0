import { describe, expect, it } from 'vitest';
import { envOf } from '@/lib/env';
import { configuredPortalOrigin, isHostOf, otherAddressAnswer, requestHost } from '@/lib/http/portal-address';

const PORTAL = 'http://localhost:3000';
const headers = (values: Record<string, string>) => new Headers(values);
const at = (host: string, method = 'GET', target = '/sign-in?callbackUrl=%2Fsecurity', extra = {}) => ({
  method,
  target,
  headers: headers({ host, ...extra }),
});

describe('the portal address', () => {
  it('is PORTAL_URL, else NEXTAUTH_URL, as an origin; none when neither is set', () => {
    expect(configuredPortalOrigin(envOf({ NEXTAUTH_URL: 'http://localhost:3000/' }))).toBe(PORTAL);
    expect(
      configuredPortalOrigin(envOf({ NEXTAUTH_URL: 'http://internal:3000', PORTAL_URL: 'https://portal.example/' })),
    ).toBe('https://portal.example');
    expect(configuredPortalOrigin(envOf({}))).toBeNull();
  });

  it('believes X-Forwarded-Host only from a trusted proxy', () => {
    const sent = headers({ host: 'localhost:3000', 'x-forwarded-host': 'evil.example, proxy.internal' });
    expect(requestHost(sent, false)).toBe('localhost:3000');
    expect(requestHost(sent, true)).toBe('evil.example');
    expect(requestHost(headers({ host: 'localhost:3000' }), true)).toBe('localhost:3000');
  });

  it('compares hosts with or without the default port, in any letter case', () => {
    expect(isHostOf('localhost:3000', PORTAL)).toBe(true);
    expect(isHostOf('LocalHost:3000', PORTAL)).toBe(true);
    expect(isHostOf('portal.example:443', 'https://portal.example')).toBe(true);
    expect(isHostOf('127.0.0.1:3000', PORTAL)).toBe(false);
    expect(isHostOf('localhost:3001', PORTAL)).toBe(false);
    expect(isHostOf(null, PORTAL)).toBe(false);
  });

  it('allows pages at the configured address, and the paths programs use at any address', () => {
    expect(otherAddressAnswer(at('localhost:3000'), PORTAL, false)).toBeNull();
    expect(otherAddressAnswer(at('localhost:3000', 'POST', '/credentials'), PORTAL, false)).toBeNull();
    for (const target of ['/api/v1/me', '/api/oauth/token', '/.well-known/jwks.json', '/healthz', '/readyz'])
      expect(otherAddressAnswer(at('127.0.0.1:3000', 'GET', target), PORTAL, false), target).toBeNull();
    expect(otherAddressAnswer(at('127.0.0.1:3000', 'POST', '/api/auth/sign-in'), PORTAL, false)).toBeNull();
    // Nothing configured: every address is the portal's.
    expect(otherAddressAnswer(at('127.0.0.1:3000'), null, false)).toBeNull();
  });

  it('sends a page request at another address to the same path and query at the configured one', () => {
    expect(otherAddressAnswer(at('127.0.0.1:3000'), PORTAL, false)).toEqual({
      redirect: 'http://localhost:3000/sign-in?callbackUrl=%2Fsecurity',
    });
    expect(otherAddressAnswer(at('127.0.0.1:3000', 'HEAD', '/'), PORTAL, false)).toEqual({
      redirect: 'http://localhost:3000/',
    });
    // A forwarded host is the request's host only behind a trusted proxy.
    const forwarded = at('127.0.0.1:3000', 'GET', '/credentials', { 'x-forwarded-host': 'localhost:3000' });
    expect(otherAddressAnswer(forwarded, PORTAL, true)).toBeNull();
    expect(otherAddressAnswer(forwarded, PORTAL, false)).toEqual({ redirect: 'http://localhost:3000/credentials' });
  });

  it('blocks a request it cannot redirect (a POST) with a message naming the address to use', () => {
    expect(otherAddressAnswer(at('127.0.0.1:3000', 'POST', '/credentials'), PORTAL, false)).toEqual({
      refuse: "This is not the portal's address: use http://localhost:3000.",
    });
  });
});
