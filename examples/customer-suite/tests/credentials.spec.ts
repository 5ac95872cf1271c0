import { generateKeyPairSync } from 'node:crypto';
import { expect, test } from '@credentials-console/testing';

// Each worker has a tenant of its own, kept for all its tests: a test removes what it adds, so the next test
// starts from an empty list and the tenant stays under the portal's per-kind limit.

test('a secret gets access tokens only while it is active', async ({ credentialsPage, tokens, tenant }) => {
  const secret = await credentialsPage.addSecret({ name: 'Billing job' });
  expect(await credentialsPage.status(secret.name)).toBe('Disabled');
  expect((await tokens.get({ secret: secret.value })).status).toBe(401);

  await credentialsPage.activate(secret.name);
  const granted = await tokens.get({ secret: secret.value, scope: 'api' });
  expect(granted.status).toBe(200);
  expect(granted.body).toMatchObject({ token_type: 'bearer', scope: 'api' });
  const claims = JSON.parse(Buffer.from(String(granted.body.access_token).split('.')[1]!, 'base64url').toString());
  expect(claims.client_id).toBe(tenant.clientId);

  await credentialsPage.deactivate(secret.name);
  const refused = await tokens.get({ secret: secret.value });
  expect(refused.status).toBe(401);
  expect(refused.body.error).toBe('invalid_client');
  // The Request-Id names the refusal in the portal's request log.
  expect(refused.requestId).toMatch(/^req_/);

  await credentialsPage.remove(secret.name);
});

test('a secret stops working when its expiry passes on the tenant clock', async ({
  credentialsPage,
  tokens,
  clock,
  webhooks,
}) => {
  // The longest walk of the suite: a secret's whole life, the page reloaded at each step to read its status.
  test.slow();
  const secret = await credentialsPage.addSecret({ name: 'Nightly export' });
  await credentialsPage.activate(secret.name);
  await credentialsPage.setExpiry(secret.name, 30);

  // The tenant's clock stands still between moves, so "In 30 days" is exactly 30 days from its now: one
  // second before, the secret still works; at that instant it is refused, shown as Expired, and reported.
  await clock.advance('P29DT23H59M59S');
  expect((await tokens.get({ secret: secret.value })).status).toBe(200);
  expect(await credentialsPage.status(secret.name)).toBe('Active');

  await clock.advance('1s');
  expect((await tokens.get({ secret: secret.value })).status).toBe(401);
  expect(await credentialsPage.status(secret.name)).toBe('Expired');
  const expired = await webhooks.waitFor('credential.expired', (event) => event.data.credential.name === secret.name);
  expect(expired.data.credential).toMatchObject({ status: 'expired', preview: `uqs_…${secret.value.slice(-4)}` });

  await credentialsPage.remove(secret.name);
});

test('a public key gets access tokens with an assertion signed by its private key', async ({
  credentialsPage,
  tokens,
}) => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const page = credentialsPage.page;
  await credentialsPage.open();
  await page.getByRole('button', { name: 'Add public key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add public key' });
  await dialog.getByRole('textbox', { name: 'Name' }).fill('Payments service');
  await dialog
    .getByRole('textbox', { name: 'Public key (JWK or PEM)' })
    .fill(JSON.stringify({ ...publicKey.export({ format: 'jwk' }), kid: 'payments-1' }));
  await dialog.getByRole('button', { name: 'Add key' }).click();
  await expect(dialog).toBeHidden();

  expect((await tokens.get({ privateKey, kid: 'payments-1' })).status).toBe(401);
  await credentialsPage.activate('Payments service');
  const granted = await tokens.get({ privateKey, kid: 'payments-1' });
  expect(granted.status).toBe(200);
  // The same key as a PEM, and without naming its kid, works as well.
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  expect((await tokens.get({ privateKey: pem })).status).toBe(200);

  await credentialsPage.remove('Payments service');
});
