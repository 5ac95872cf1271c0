import { randomUUID } from 'node:crypto';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { calculateJwkThumbprint, type CryptoKey, exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { startOidcIssuer } from '../tests/helpers/oidc-issuer';
import { deleteTenant, addSecret, createTenant, previewOf, rowOf, signIn } from './helpers';

// Each test works in an organization of its own, so that it neither sees nor leaves credentials in the demo
// account the other specs use, and its failed token requests never count against the demo client.
const tenants: string[] = [];

async function signInToNewTenant(page: Page, name: string): Promise<string> {
  const tenant = createTenant(name);
  tenants.push(tenant.organizationId);
  await signIn(page, tenant.admin.email, tenant.admin.password);
  return (await page.getByTestId('client-id').textContent())!;
}

test.afterEach(() => {
  for (const id of tenants.splice(0)) deleteTenant(id);
});

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

function me(request: APIRequestContext, accessToken: string) {
  return request.get('/api/v1/me', { headers: { authorization: `Bearer ${accessToken}` } });
}

/** Activates a credential from its row menu and waits for its row to say so. */
async function activate(page: Page, row: ReturnType<Page['getByTestId']>, actionsName: string) {
  await row.getByRole('button', { name: actionsName }).click();
  await page.getByRole('menuitem', { name: 'Activate' }).click();
  await expect(row).toContainText('Active');
}

test('a public key added in the browser obtains a token with an assertion signed by its private key', async ({
  page,
  request,
  baseURL,
}) => {
  const clientId = await signInToNewTenant(page, 'Public key suite');
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  // The portal names a pasted key without a kid by its RFC 7638 thumbprint, and lists it shortened.
  const kid = await calculateJwkThumbprint(await exportJWK(publicKey));
  const preview = `ES256 · ${kid.slice(0, 6)}…${kid.slice(-6)}`;
  const tokenEndpoint = `${baseURL}/api/oauth/token`;

  const assertion = (key: CryptoKey = privateKey) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenEndpoint)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key);
  const withAssertion = async (form: Record<string, string>, signed?: string) => ({
    ...form,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: signed ?? (await assertion()),
  });
  const askForToken = async (signed?: string) =>
    request.post('/api/oauth/token', { form: await withAssertion({ grant_type: 'client_credentials' }, signed) });

  await page.getByRole('button', { name: 'Add public key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add public key' });
  await dialog.getByLabel('Name').fill('Payments service');
  await dialog.getByLabel('Public key (JWK or PEM)').fill(await exportSPKI(publicKey));
  await dialog.getByRole('button', { name: 'Add key' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByTestId('secret-row').filter({ hasText: preview });
  await expect(row).toContainText('Payments service');
  await expect(row).toContainText('Disabled');

  const whileDisabled = await askForToken();
  expect(whileDisabled.status()).toBe(401);
  expect(await whileDisabled.json()).toMatchObject({ error: 'invalid_client' });

  await activate(page, row, `Actions for public key ${preview}`);

  // Activation returns only once every instance has forgotten the client's old key list: no waiting here.
  const signed = await assertion();
  const granted = await askForToken(signed);
  expect(granted.status()).toBe(200);
  const token = await granted.json();
  expect(token).toMatchObject({ token_type: 'bearer', expires_in: 1800, scope: 'sdk api' });
  const accepted = await me(request, token.access_token);
  expect(accepted.status()).toBe(200);
  expect(await accepted.json()).toMatchObject({ client_id: clientId });

  const replayed = await askForToken(signed);
  expect(replayed.status()).toBe(401);
  expect(await replayed.json()).toMatchObject({ error: 'invalid_client' });

  // A key pair the portal never saw, under the same kid, is not the client.
  const { privateKey: stranger } = await generateKeyPair('ES256');
  const forged = await askForToken(await assertion(stranger));
  expect(forged.status()).toBe(401);
  expect(await forged.json()).toMatchObject({ error: 'invalid_client' });

  const introspect = async () => {
    const answer = await request.post('/api/oauth/introspect', {
      form: await withAssertion({ token: token.access_token }),
    });
    expect(answer.status()).toBe(200);
    return answer.json();
  };
  expect(await introspect()).toMatchObject({ active: true, client_id: clientId, scope: 'sdk api' });

  const revoked = await request.post('/api/oauth/revoke', { form: await withAssertion({ token: token.access_token }) });
  expect(revoked.status()).toBe(200);
  expect((await me(request, token.access_token)).status()).toBe(401);
  expect(await introspect()).toEqual({ active: false });
});

test('a trusted workload exchanges a token from the local issuer', async ({ page, request }) => {
  const issuer = await startOidcIssuer();
  try {
    const clientId = await signInToNewTenant(page, 'Workload suite');
    const audience = 'https://credentials.e2e.test/workloads';
    const pattern = 'repo:acme/payments:ref:refs/heads/*';
    const exchange = (subjectToken: string) =>
      request.post('/api/oauth/token', {
        form: {
          grant_type: TOKEN_EXCHANGE,
          client_id: clientId,
          subject_token: subjectToken,
          subject_token_type: JWT_TOKEN_TYPE,
        },
      });
    const mainBranch = await issuer.issue({ sub: 'repo:acme/payments:ref:refs/heads/main', aud: audience });

    await page.getByRole('button', { name: 'Add trusted workload' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add trusted workload' });
    await dialog.getByLabel('Name').fill('Payments deploys');
    await dialog.getByLabel('Issuer URL').fill(issuer.url);
    await dialog.getByLabel('Audience').fill(audience);
    await dialog.getByLabel('Subject pattern').fill(pattern);
    await dialog.getByRole('button', { name: 'Add workload' }).click();
    await expect(dialog).toBeHidden();

    const row = page.getByTestId('workload-row').filter({ hasText: pattern });
    await expect(row).toContainText('Payments deploys');
    await expect(row).toContainText(issuer.url);
    await expect(row).toContainText('Disabled');

    const whileDisabled = await exchange(mainBranch);
    expect(whileDisabled.status()).toBe(400);
    expect(await whileDisabled.json()).toMatchObject({ error: 'invalid_grant' });

    await activate(page, row, `Actions for trusted workload ${pattern}`);

    const granted = await exchange(mainBranch);
    expect(granted.status()).toBe(200);
    const token = await granted.json();
    expect(token).toMatchObject({ issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'bearer', scope: 'sdk api' });
    const accepted = await me(request, token.access_token);
    expect(accepted.status()).toBe(200);
    expect(await accepted.json()).toMatchObject({ client_id: clientId });
    // The token endpoint fetched the issuer's keys itself: nothing about them was ever typed into the page.
    expect(issuer.requests).toContain('/.well-known/openid-configuration');

    const otherRepository = await exchange(
      await issuer.issue({ sub: 'repo:acme/billing:ref:refs/heads/main', aud: audience }),
    );
    expect(otherRepository.status()).toBe(400);
    expect(await otherRepository.json()).toMatchObject({ error: 'invalid_grant' });
  } finally {
    await issuer.stop();
  }
});

test('a restricted secret is refused a scope it lacks', async ({ page, request }) => {
  const clientId = await signInToNewTenant(page, 'Scopes suite');
  // The seed flow's names are unchanged by the new buttons beside it.
  await expect(page.getByRole('button', { name: 'Add Secret' })).toHaveCount(1);

  await page.getByRole('button', { name: 'Add restricted secret' }).click();
  const form = page.getByRole('dialog', { name: 'Restricted secret' });
  await expect(form.getByRole('checkbox', { name: 'sdk' })).not.toBeChecked();
  await expect(form.getByRole('checkbox', { name: 'api' })).not.toBeChecked();
  await form.getByRole('checkbox', { name: 'sdk' }).check();
  await form.getByRole('button', { name: 'Create secret' }).click();

  const shown = page.getByRole('dialog', { name: 'New secret created' });
  const secret = (await shown.getByTestId('secret-value').textContent()) ?? '';
  expect(secret).toMatch(/^uqs_/);
  await shown.getByRole('button', { name: 'Close' }).click();
  await expect(shown).toBeHidden();

  const row = rowOf(page, secret);
  await expect(row).toContainText('Disabled');
  await activate(page, row, `Actions for secret ${previewOf(secret)}`);

  const askForToken = (scope?: string) =>
    request.post('/api/oauth/token', {
      form: {
        grant_type: 'client_credentials',
        client_id: clientId,
        client_secret: secret,
        ...(scope === undefined ? {} : { scope }),
      },
    });

  const refused = await askForToken('api');
  expect(refused.status()).toBe(400);
  expect(await refused.json()).toMatchObject({ error: 'invalid_scope' });
  const unscoped = await askForToken();
  expect(unscoped.status()).toBe(200);
  expect(await unscoped.json()).toMatchObject({ scope: 'sdk' });

  await row.getByRole('button', { name: `Actions for secret ${previewOf(secret)}` }).click();
  await page.getByRole('menuitem', { name: 'Edit scopes' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit scopes' });
  await expect(edit.getByRole('checkbox', { name: 'sdk' })).toBeChecked();
  await edit.getByRole('checkbox', { name: 'api' }).check();
  await edit.getByRole('button', { name: 'Save scopes' }).click();
  await expect(edit).toBeHidden();

  // Saving returns once every instance has dropped the old scopes.
  const widened = await askForToken('api');
  expect(widened.status()).toBe(200);
  expect(await widened.json()).toMatchObject({ scope: 'api' });

  // The plain one-click flow still sits beside the new one and still makes a secret with both scopes.
  await expect(page.getByRole('button', { name: 'Add Secret' })).toHaveCount(1);
  const plain = await addSecret(page);
  await expect(rowOf(page, plain)).toContainText('Disabled');
});
