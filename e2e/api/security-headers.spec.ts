// Every answer carries the security headers: nosniff everywhere, no-store on the APIs, a CSP on HTML, also
// the answers made before any page or route handler runs.
import { type APIResponse, expect, test } from '@playwright/test';
import { thisServer } from '../helpers';

function expectApiHeaders(response: APIResponse, what: string) {
  expect(response.headers()['x-content-type-options'], what).toBe('nosniff');
  expect(response.headers()['cache-control'], what).toContain('no-store');
}

function expectPageHeaders(response: APIResponse, what: string) {
  expect(response.headers()['x-content-type-options'], what).toBe('nosniff');
  expect(response.headers()['content-security-policy'], what).toMatch(/frame-ancestors 'none'/);
}

test('on the API: the sign-in routes’ 413, the token endpoint’s trailing-slash redirect, the tenants API', async ({
  request,
}) => {
  const tooLarge = await request.post('/api/auth/sign-in', {
    headers: { 'Content-Type': 'application/json' },
    data: 'x'.repeat(20_000),
  });
  expect(tooLarge.status()).toBe(413);
  expectApiHeaders(tooLarge, '413');

  const slash = await request.get('/api/oauth/token/', { maxRedirects: 0 });
  expect(slash.status()).toBe(308);
  expectApiHeaders(slash, '308');

  const hidden = await request.get('/api/platform/tenants');
  expectApiHeaders(hidden, 'tenants');
});

test("on next-auth's own HTML pages: sign-out and error", async ({ request }) => {
  for (const path of [
    '/api/auth/signout',
    '/api/auth/error?error=Configuration',
    '/api/auth/error?error=AccessDenied',
  ]) {
    const response = await request.get(path);
    expect(response.headers()['content-type'], path).toContain('text/html');
    expectApiHeaders(response, path);
    expectPageHeaders(response, path);
    expect(response.headers()['content-security-policy'], path).toMatch(/default-src 'none'/);
    expect(response.headers()['content-security-policy'], path).not.toContain('script-src');
  }
});

test('on answers made before the portal runs: a malformed path, a misdirected page', async ({ request }) => {
  const malformed = await request.get('/credentials/%E0%A4%A');
  expect(malformed.status()).toBe(400);
  expectPageHeaders(malformed, 'malformed path');

  const misdirected = await request.get(`http://127.0.0.1:${new URL(thisServer().baseURL).port}/credentials`, {
    maxRedirects: 0,
  });
  expect(misdirected.status()).toBe(307);
  expectPageHeaders(misdirected, 'redirect to the portal address');

  const notFound = await request.get('/no-such-page');
  expect(notFound.status()).toBe(404);
  expectPageHeaders(notFound, 'not found');
  expect(notFound.headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
});
