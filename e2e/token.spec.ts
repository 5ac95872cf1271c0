import { expect, test } from '@playwright/test';
import { addSecret, previewOf, rowOf, signIn } from './helpers';

test('a secret created in the browser authenticates only while it is active', async ({ page, request }) => {
  await signIn(page, 'admin@acme.test');
  const clientId = (await page.getByTestId('client-id').textContent())!;
  const secret = await addSecret(page);
  const row = rowOf(page, secret);
  await expect(row).toContainText('Never');

  const askForToken = () =>
    request.post('/api/oauth/token', {
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    });

  const whileDisabled = await askForToken();
  expect(whileDisabled.status()).toBe(401);
  expect(await whileDisabled.json()).toMatchObject({ error: 'invalid_client' });

  const actions = row.getByRole('button', { name: `Actions for secret ${previewOf(secret)}` });
  await actions.click();
  await page.getByRole('menuitem', { name: 'Activate' }).click();
  await expect(row).toContainText('Active');

  const granted = await askForToken();
  expect(granted.status()).toBe(200);
  expect(granted.headers()['cache-control']).toBe('no-store');
  const token = await granted.json();
  expect(token).toMatchObject({ token_type: 'bearer', expires_in: 1800 });

  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${token.access_token}` } });
  expect(me.status()).toBe(200);
  expect(await me.json()).toMatchObject({ client_id: clientId });

  // Usage is written in batches (every second in this suite), never on the token request's path.
  await expect(async () => {
    await page.reload();
    await expect(rowOf(page, secret)).toContainText('just now', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });

  await actions.click();
  await page.getByRole('menuitem', { name: 'Deactivate' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('Disabled');
  expect((await askForToken()).status()).toBe(401);

  // Deactivating alone lets issued tokens live out their 30 minutes; revoking them stops them at once.
  const meWithToken = () => request.get('/api/v1/me', { headers: { authorization: `Bearer ${token.access_token}` } });
  expect((await meWithToken()).status()).toBe(200);
  await actions.click();
  await page.getByRole('menuitem', { name: 'Revoke issued tokens' }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Revoke tokens' }).click();
  await expect(page.getByRole('alertdialog')).toBeHidden();
  expect((await meWithToken()).status()).toBe(401);
});

test('the credentials page links the API reference', async ({ page, request }) => {
  await signIn(page, 'viewer@acme.test');
  const link = page.getByRole('link', { name: 'API reference (OpenAPI)' });
  const href = await link.getAttribute('href');
  const document = await request.get(href!);
  expect(document.status()).toBe(200);
  expect((await document.json()).openapi).toBe('3.1.0');
});
