import { describe, expect, it } from 'vitest';
import {
  LOCKED_DOWN_POLICY,
  apiSecurityHeaders,
  baselineSecurityHeaders,
  contentSecurityPolicy,
  transportSecurityHeaders,
} from '@/lib/http/security-headers';

describe('security headers', () => {
  it('builds a strict CSP around the nonce, without unsafe-eval outside development', () => {
    const csp = contentSecurityPolicy('abc123==');
    expect(csp).toContain("script-src 'self' 'nonce-abc123==' 'strict-dynamic'");
    for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'", "default-src 'self'"])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(contentSecurityPolicy('n', { dev: true })).toContain("'unsafe-eval'");
    expect(contentSecurityPolicy('n', { https: true })).toContain('upgrade-insecure-requests');
  });

  it('sends HSTS only when the portal is https, and no-store + nosniff on every API answer', () => {
    expect(transportSecurityHeaders({ NEXTAUTH_URL: 'http://localhost:3000' })).toEqual({});
    expect(transportSecurityHeaders({ NEXTAUTH_URL: 'https://portal.example' })['Strict-Transport-Security']).toMatch(
      /max-age=\d{8}/,
    );
    expect(transportSecurityHeaders({ PORTAL_URL: 'https://portal.example', NEXTAUTH_URL: 'http://x' })).toHaveProperty(
      'Strict-Transport-Security',
    );
    expect(apiSecurityHeaders({})).toEqual({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  });

  it('puts nosniff on every answer, no-store on API answers and a CSP that runs nothing on the rest', () => {
    const api = baselineSecurityHeaders('/api/oauth/token/', {});
    expect(api).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' });
    expect(api).not.toHaveProperty('Content-Security-Policy');
    const page = baselineSecurityHeaders('/credentials/x', { NEXTAUTH_URL: 'https://portal.example' });
    expect(page).toMatchObject({ 'X-Content-Type-Options': 'nosniff', 'Content-Security-Policy': LOCKED_DOWN_POLICY });
    expect(page).toHaveProperty('Strict-Transport-Security');
    expect(page).not.toHaveProperty('Cache-Control');
  });
});
