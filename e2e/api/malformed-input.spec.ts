// Malformed input gets a 4xx from the production server, never a 500.
import { type APIRequestContext, expect, test } from '@playwright/test';
import { PASSWORD, serverActionId, thisServer } from '../helpers';

const UNDECODABLE = '%E0%A4%A';

/**
 * Posts to a sign-in route as a patient client does: the server's sign-in door answers 503 with Retry-After
 * when the suite has just signed in more often than it admits a second, which says nothing about the body.
 */
async function postSignIn(request: APIRequestContext, path: string, options: Parameters<APIRequestContext['post']>[1]) {
  for (let attempt = 0; ; attempt++) {
    const response = await request.post(path, options);
    if (response.status() !== 503 || attempt === 10) return response;
    await new Promise((resolve) => setTimeout(resolve, 1000 * Number(response.headers()['retry-after'] ?? 1)));
  }
}

test.describe('the sign-in routes', () => {
  const routes = [
    { path: '/api/auth/sign-in', data: { email: 'nobody@acme.test', password: 'not the password' } },
    { path: '/api/auth/second-factor', data: { method: 'totp', code: '123456' } },
    { path: '/api/auth/second-factor/passkey', data: {} },
  ];

  test('allow a well-formed request: a wrong password or an expired sign-in is a 401', async ({ request }) => {
    for (const { path, data } of routes) {
      const response = await postSignIn(request, path, { data, headers: { cookie: 'portal.sign-in=unknown-token' } });
      expect(response.status(), path).toBe(401);
    }
    const signedIn = await postSignIn(request, '/api/auth/sign-in', {
      data: { email: 'viewer@acme.test', password: PASSWORD },
    });
    expect(signedIn.status()).toBe(200);
  });

  test('block a sign-in cookie that does not decode with a 4xx, as if there were none', async ({ request }) => {
    for (const { path, data } of routes) {
      const response = await postSignIn(request, path, { data, headers: { cookie: `portal.sign-in=${UNDECODABLE}` } });
      expect(response.status(), path).toBe(401);
      expect(await response.json(), path).toHaveProperty('message');
    }
  });
});

test('a path that does not decode is a 400; a well-formed unknown credential id is the sign-in redirect', async ({
  request,
}) => {
  const malformed = await request.get(`/credentials/${UNDECODABLE}`, { maxRedirects: 0 });
  expect(malformed.status()).toBe(400);
  expect(malformed.headers()['x-content-type-options']).toBe('nosniff');
  const wellFormed = await request.get('/credentials/00000000-0000-4000-8000-000000000000', { maxRedirects: 0 });
  expect(wellFormed.status()).toBe(307);
});

test("a router state header Next.js cannot read is a 400; the client router's own is served", async ({ request }) => {
  const headers = { RSC: '1' };
  const state = encodeURIComponent(JSON.stringify(['', { children: ['sign-in', {}] }]));
  const served = await request.get('/sign-in?_rsc=1', { headers: { ...headers, 'Next-Router-State-Tree': state } });
  expect(served.status()).toBe(200);
  const refused = await request.get('/sign-in?_rsc=1', { headers: { ...headers, 'Next-Router-State-Tree': '{{{' } });
  expect(refused.status()).toBe(400);
});

test.describe('a server action', () => {
  const post = (request: APIRequestContext, data: string, contentType = 'text/plain') =>
    request.post('/credentials', {
      headers: {
        'Next-Action': serverActionId('createSecretAction'),
        'Content-Type': contentType,
        Origin: thisServer().baseURL,
      },
      data,
    });

  test('allows a body React sends: the action runs (and refuses a caller who is not signed in)', async ({
    request,
  }) => {
    const response = await post(request, '[{}]');
    expect(response.status()).toBe(200);
    expect(await response.text()).toContain('Sign in');
  });

  test('blocks a body that is not what React sends with a 400, and one over the limit with a 413', async ({
    request,
  }) => {
    expect((await post(request, '{{{{{')).status()).toBe(400);
    expect((await post(request, 'garbage', 'multipart/form-data; boundary=x')).status()).toBe(400);
    expect((await post(request, JSON.stringify(['x'.repeat(1024 * 1024)]))).status()).toBe(413);
  });
});

test("next-auth's error page is a 400 for an error named in its address, never a 500", async ({ request }) => {
  const configuration = await request.get('/api/auth/error?error=Configuration');
  expect(configuration.status()).toBe(400);
  // Errors next-auth itself does not answer with a server error keep their status.
  expect((await request.get('/api/auth/error?error=AccessDenied')).status()).toBe(403);
});
