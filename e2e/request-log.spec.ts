import { expect, test } from '@playwright/test';
import {
  deleteTenant,
  orgCli,
  addSecret,
  createTenant,
  enterPassword,
  previewOf,
  rowOf,
  signIn,
  totpCode,
  type CliUser,
} from './helpers';

// One tenant for both tests: the first makes a refusal and reads it as the customer's admin, the second finds it
// as support staff by the Request ID the customer would quote.
test.describe.configure({ mode: 'serial' });

let tenant: ReturnType<typeof createTenant>;
let adminName = '';
let requestId = '';

test.beforeAll(() => {
  tenant = createTenant('Request log');
  adminName = `${tenant.name} admin`;
});
test.afterAll(() => {
  deleteTenant(tenant.organizationId);
});

test('a disabled secret’s refusal appears in the Request log with its reason and sentence, and is found by its Request ID', async ({
  page,
}) => {
  test.slow();
  await signIn(page, tenant.admin.email, tenant.admin.password);
  const clientId = (await page.getByTestId('client-id').textContent())!;
  const secret = await addSecret(page);
  const menu = (item: string) => async () => {
    await rowOf(page, secret)
      .getByRole('button', { name: `Actions for secret ${previewOf(secret)}` })
      .click();
    await page.getByRole('menuitem', { name: item }).click();
  };
  await menu('Activate')();
  await expect(rowOf(page, secret)).toContainText('Active');
  await menu('Deactivate')();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
  await expect(rowOf(page, secret)).toContainText('Disabled');
  const name = (await rowOf(page, secret).getByRole('link').first().textContent())!.trim();

  // What an SDK does: the refusal's only trace on the client side is the Request-Id header.
  const refused = await page.request.post('/api/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    headers: { 'user-agent': 'acme-sdk/3.1' },
  });
  expect(refused.status()).toBe(401);
  requestId = refused.headers()['request-id'] ?? '';
  expect(requestId).toMatch(/^req_[0-9A-Za-z]{22}$/);

  await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Request log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Request log' })).toBeVisible();
  const row = page.getByTestId('request-row').filter({ hasText: requestId });
  // Entries are written in batches (every second in this suite).
  await expect(async () => {
    await page.reload();
    await expect(row).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(row).toContainText('Refused');
  await expect(row).toContainText('Credential disabled');
  await expect(row).toContainText(name);
  await expect(row).toContainText('acme-sdk/3.1');
  const sentence = new RegExp(
    `This secret was deactivated on [A-Z][a-z]{2} \\d{1,2} by ${adminName}\\. Activate it, or use an active one\\.`,
  );
  await expect(row.getByTestId('request-explanation')).toHaveText(sentence);
  await expect(
    page.getByRole('img', { name: /Refusals by reason, last 24 hours: 1 in total; Credential disabled 1/ }),
  ).toBeVisible();

  // The Request ID field: a malformed value, one of no request, then this one.
  const field = page.getByRole('searchbox', { name: 'Request ID' });
  await field.fill('req_123');
  await field.press('Enter');
  await expect(page.getByText('That is not a Request ID.')).toBeVisible();
  await field.fill(`req_${'0'.repeat(22)}`);
  await field.press('Enter');
  await expect(page.getByText('No request with this ID in this account')).toBeVisible();
  await field.fill(requestId);
  await field.press('Enter');
  await expect(page.getByRole('heading', { name: 'Request found' })).toBeVisible();
  await expect(page.getByTestId('request-row')).toHaveCount(1);
  await expect(page.getByTestId('request-explanation')).toHaveText(sentence);

  // The credential's page counts it and links to the log filtered to it.
  await page.getByRole('link', { name }).click();
  const section = page.getByRole('region', { name: 'Refused requests, last 7 days' });
  await expect(section.getByRole('list', { name: 'Refusals by reason' })).toHaveText('Credential disabled 1');
  await expect(section.getByTestId('request-row')).toContainText(requestId);
  await section.getByRole('link', { name: 'See all its requests in the Request log' }).click();
  await expect(page).toHaveURL(/\/request-log\?credential=[0-9a-f-]{36}$/);
  await expect(page.getByRole('combobox', { name: 'Credential' })).toHaveValue(/[0-9a-f-]{36}/);
  await expect(page.getByTestId('request-row')).toHaveCount(1);
});

test('support finds the request by the ID a customer quotes, and the customer sees that they looked', async ({
  page,
  browser,
}) => {
  test.slow();
  expect(requestId, 'the first test made the refusal').not.toBe('');
  const support = orgCli<CliUser>(['support', '--email', `request-log-${Date.now()}@suite.test`, '--totp']);
  await enterPassword(page, support.email, support.password);
  await page.getByLabel('Authentication code').fill(await totpCode(support.totp!.secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/support$/);

  await page.getByRole('searchbox', { name: 'Find a request' }).fill(requestId);
  await page.getByRole('button', { name: 'Open' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(`${tenant.name}: request log`);
  await expect(page.getByRole('heading', { name: 'Request found' })).toBeVisible();
  const row = page.getByTestId('request-row');
  await expect(row).toContainText('Credential disabled');
  await expect(row.getByTestId('request-explanation')).toContainText(
    `by ${adminName}. Activate it, or use an active one.`,
  );

  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, tenant.admin.email, tenant.admin.password);
  await customer.goto('/audit-log');
  await expect(customer.getByTestId('audit-event').filter({ hasText: 'Support viewed the request log' })).toContainText(
    `Looked up request ${requestId}`,
  );
  await customer.context().close();
});
