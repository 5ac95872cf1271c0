// next-auth's session endpoint follows the server-side session: once it has ended, no user and no renewed cookie.
import { expect, test } from '@playwright/test';
import { signInForCookie } from '../../scripts/sign-in-client';
import { PASSWORD, signIn, thisServer } from '../helpers';

const sessionCookies = (setCookie: string | undefined) =>
  (setCookie ?? '').split('\n').filter((line) => line.includes('session-token'));

test('allows a live session: the user is named and the cookie renewed', async ({ request }) => {
  const cookie = await signInForCookie(thisServer().baseURL, 'viewer@acme.test', PASSWORD);
  const response = await request.get('/api/auth/session', { headers: { cookie } });
  expect(response.status()).toBe(200);
  expect((await response.json()).user).toHaveProperty('id');
  expect(sessionCookies(response.headers()['set-cookie'])).toHaveLength(1);
});

test('blocks a session ended by "Sign out everywhere": no user, and the cookie is cleared, not renewed', async ({
  page,
  request,
}) => {
  const cookie = await signInForCookie(thisServer().baseURL, 'viewer@acme.test', PASSWORD);
  await signIn(page, 'viewer@acme.test');
  await page.goto('/security');
  await page.getByRole('button', { name: 'Sign out everywhere' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  const response = await request.get('/api/auth/session', { headers: { cookie } });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({});
  const set = sessionCookies(response.headers()['set-cookie']);
  expect(set).toHaveLength(1);
  expect(set[0]).toMatch(/^next-auth\.session-token=;.*Max-Age=0/);
});
