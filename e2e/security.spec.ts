import { expect, test } from '@playwright/test';
import { addSecret, signIn } from './helpers';

test('pages run under a strict, nonce-based Content-Security-Policy without a single violation', async ({ page }) => {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(message.text()))
      violations.push(message.text());
  });
  const response = await page.goto('/sign-in');
  const csp = response!.headers()['content-security-policy']!;
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
  for (const directive of ["object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"])
    expect(csp).toContain(directive);
  expect(csp).not.toContain('unsafe-eval');
  expect(response!.headers()['permissions-policy']).toContain('camera=()');

  // Every interactive piece still works: sign-in, the dialog, copy, the row menu, toasts.
  await signIn(page, 'admin@acme.test');
  const secret = await addSecret(page);
  expect(secret).toMatch(/^uqs_/);
  await page.getByRole('link', { name: 'Audit log' }).first().click();
  await expect(page.getByRole('heading', { name: 'Audit log' })).toBeVisible();
  // A fresh nonce on every page load.
  const again = await page.goto('/credentials');
  expect(again!.headers()['content-security-policy']).not.toBe(csp);
  expect(violations).toEqual([]);
});

test('a server action posted from another origin gets 403, not 500; from the portal it works', async ({
  page,
  request,
}) => {
  const foreign = await request.post('/credentials', {
    headers: {
      Origin: 'https://attacker.example',
      'Next-Action': '0'.repeat(42),
      'Content-Type': 'text/plain;charset=UTF-8',
    },
    data: '[]',
  });
  expect(foreign.status()).toBe(403);
  await signIn(page, 'admin@acme.test');
  await addSecret(page);
});

test('API answers are never cached or sniffed; health and readiness are public', async ({ request }) => {
  for (const response of [
    await request.post('/api/oauth/token', { form: { grant_type: 'client_credentials' } }),
    await request.get('/api/v1/me'),
    await request.get('/api/openapi.json'),
  ]) {
    expect(response.headers()['x-content-type-options']).toBe('nosniff');
    expect(response.headers()['cache-control']).toContain('no-store');
  }
  expect((await request.get('/healthz')).status()).toBe(200);
  const ready = await request.get('/readyz');
  expect(ready.status()).toBe(200);
  expect(await ready.json()).toEqual({
    status: 'ready',
    draining: false,
    database: true,
    listener: true,
    signingKey: true,
  });
});
