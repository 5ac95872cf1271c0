import { describe, expect, it } from 'vitest';
import { apiSecurityHeaders, contentSecurityPolicy, transportSecurityHeaders } from '@/lib/http/security-headers';

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
});
