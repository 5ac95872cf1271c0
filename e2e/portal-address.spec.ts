// The portal opened at another address than its configured one (NEXTAUTH_URL: http://localhost:<port>).
import { expect, test } from '@playwright/test';
import { PASSWORD, thisServer } from './helpers';

/** The portal's configured address, and the same server at another one. */
function addresses() {
  const { baseURL } = thisServer();
  return { baseURL, elsewhere: `http://127.0.0.1:${new URL(baseURL).port}` };
}

test('a page opened at another address moves to the configured one, where signing in just works', async ({ page }) => {
  const { baseURL, elsewhere } = addresses();
  await page.goto(`${elsewhere}/sign-in?callbackUrl=%2Fsecurity`);
  await expect(page).toHaveURL(`${baseURL}/sign-in?callbackUrl=%2Fsecurity`);
  await page.getByLabel('Email').fill('viewer@acme.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(`${baseURL}/security`);
});

test('a sign-in that cannot be redirected is refused with the address to use', async ({ request }) => {
  const { baseURL, elsewhere } = addresses();
  const response = await request.post(`${elsewhere}/api/auth/sign-in`, {
    headers: { Origin: elsewhere },
    data: { email: 'viewer@acme.test', password: PASSWORD },
  });
  expect(response.status()).toBe(403);
  expect((await response.json()).message).toContain(baseURL);
  // The APIs answer at any address.
  expect((await request.get(`${elsewhere}/.well-known/oauth-authorization-server`)).status()).toBe(200);
});
