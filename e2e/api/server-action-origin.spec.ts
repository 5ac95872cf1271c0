// A server action sent from another origin is refused with 403 on every path, /api/* included, and the
// origin is compared with the Host: X-Forwarded-Host is believed only with TRUST_PROXY=1 (unset here).
import { type APIRequestContext, expect, test } from '@playwright/test';
import { serverActionId, thisServer } from '../helpers';

function callAction(request: APIRequestContext, path: string, headers: Record<string, string>) {
  return request.post(path, {
    headers: { 'Next-Action': serverActionId('createSecretAction'), 'Content-Type': 'text/plain', ...headers },
    data: '[{}]',
  });
}

test('allows a server action from the portal itself', async ({ request }) => {
  const response = await callAction(request, '/credentials', { Origin: thisServer().baseURL });
  expect(response.status()).toBe(200);
});

test('blocks a server action from another origin with 403, on a page and under /api/ alike', async ({ request }) => {
  for (const path of ['/credentials', '/api/no-such-route', '/api/v1/me']) {
    const response = await callAction(request, path, { Origin: 'https://attacker.example' });
    expect(response.status(), path).toBe(403);
    expect(await response.json(), path).toMatchObject({ error: 'forbidden' });
  }
  const form = await request.post('/api/no-such-route', {
    headers: { Origin: 'https://attacker.example' },
    multipart: { field: 'value' },
  });
  expect(form.status()).toBe(403);
});

test('blocks a foreign origin that names itself in X-Forwarded-Host, and ignores a forged one', async ({ request }) => {
  const forged = await callAction(request, '/credentials', {
    Origin: 'https://attacker.example',
    'X-Forwarded-Host': 'attacker.example',
  });
  expect(forged.status()).toBe(403);
  // From the portal, a stray X-Forwarded-Host changes nothing (Next's own check would have failed with a 500).
  const stray = await callAction(request, '/credentials', {
    Origin: thisServer().baseURL,
    'X-Forwarded-Host': 'attacker.example',
  });
  expect(stray.status()).toBe(200);
});
