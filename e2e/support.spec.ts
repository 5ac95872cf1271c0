import { expect, test } from '@playwright/test';
import { addSecret, enrollTotp, enterPassword, orgCli, previewOf, rowOf, signIn, type CliUser } from './helpers';

test('support finds a customer, views credentials read-only, deactivates with a reason the customer then sees', async ({
  page,
  browser,
}) => {
  // Three people sign in (argon2 each time) and support staff enroll an authenticator: about 25 s on two busy
  // cores, close to the default limit.
  test.slow();
  // The customer's admin has an active secret.
  const adminPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, 'admin@acme.test');
  const clientId = (await adminPage.getByTestId('client-id').textContent())!;
  const secret = await addSecret(adminPage);
  await rowOf(adminPage, secret)
    .getByRole('button', { name: `Actions for secret ${previewOf(secret)}` })
    .click();
  await adminPage.getByRole('menuitem', { name: 'Activate' }).click();
  await expect(rowOf(adminPage, secret)).toContainText('Active');

  // A support user of this suite's own (the demo support user stays factor-free) signs in; the console stays
  // closed, with no customer data, until they set up two-factor authentication.
  const support = orgCli<CliUser>([
    'support',
    '--email',
    `support-${Date.now()}@suite.test`,
    '--name',
    'Suite Support',
  ]);
  await enterPassword(page, support.email, support.password);
  await expect(page).toHaveURL(/\/support$/);
  await expect(
    page.getByRole('heading', { name: 'Set up two-factor authentication to open the support console' }),
  ).toBeVisible();
  await expect(page.getByRole('searchbox', { name: 'Search organizations' })).toHaveCount(0);
  await expect(page.getByText('Acme Corp')).toHaveCount(0);
  await page.getByRole('link', { name: 'Set up two-factor authentication' }).click();
  await expect(page).toHaveURL(/\/security$/);
  await expect(
    page.getByRole('alert').filter({ hasText: 'Set up two-factor authentication to open the support console.' }),
  ).toBeVisible();
  await enrollTotp(page);
  // The enrollment is in the platform's own log, not a customer's.
  await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Platform log' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Platform log' })).toBeVisible();
  await expect(page.getByTestId('platform-event').first()).toContainText('Two-factor method added');
  await expect(page.getByTestId('platform-event').first()).toContainText('Suite Support');
  await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Organizations' }).click();
  await expect(page).toHaveURL(/\/support$/);
  await expect(page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Credentials' })).toHaveCount(
    0,
  );

  for (const query of ['acme', 'ACME.TEST', clientId.slice(0, 10)]) {
    await page.getByRole('searchbox', { name: 'Search organizations' }).fill(query);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page.getByRole('link', { name: 'Acme Corp' })).toBeVisible();
  }
  await page.getByRole('searchbox', { name: 'Search organizations' }).fill('no such customer');
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page.getByText('No organization matches')).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search organizations' }).fill('acme');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByRole('link', { name: 'Acme Corp' }).click();

  // Read-only: no values, no Add Secret, no row menus.
  await expect(page.getByRole('heading', { level: 1, name: 'Acme Corp' })).toBeVisible();
  await expect(page.getByTestId('client-id')).toHaveText(clientId);
  await expect(rowOf(page, secret)).toContainText('Active');
  await expect(page.getByRole('button', { name: 'Add Secret' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Actions for secret/ })).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  await rowOf(page, secret)
    .getByRole('button', { name: `Emergency deactivate secret ${previewOf(secret)}` })
    .click();
  const dialog = page.getByRole('dialog', { name: 'Emergency deactivation' });
  await dialog.getByLabel('Reason').fill('too short');
  await dialog.getByRole('button', { name: 'Deactivate' }).click();
  await expect(dialog.getByText('at least 10 characters')).toBeVisible();
  await expect(rowOf(page, secret)).toContainText('Active');
  const reason = `Secret posted in a public forum thread ${Date.now()}`;
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Deactivate' }).click();
  await expect(dialog).toBeHidden();
  await expect(rowOf(page, secret)).toContainText('Disabled');

  // The customer's admin sees the view and the deactivation, with the reason, in the audit log.
  await adminPage.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Audit log' }).click();
  await expect(adminPage.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  const events = adminPage.getByTestId('audit-event');
  await expect(events.filter({ hasText: reason })).toContainText('Deactivated');
  await expect(events.filter({ hasText: reason })).toContainText('Platform support');
  // One visit, one view: the emergency deactivation itself did not record another.
  await expect(events.filter({ hasText: 'Support viewed credentials' })).toHaveCount(1);
  await expect(events.filter({ hasText: 'Support viewed credentials' })).toContainText('Suite Support');

  await adminPage.getByLabel('Action').selectOption({ label: 'Support viewed credentials' });
  await adminPage.getByRole('button', { name: 'Filter' }).click();
  await expect(events.first()).toContainText('Support viewed credentials');
  await expect(events.filter({ hasText: reason })).toHaveCount(0);

  const downloadPromise = adminPage.waitForEvent('download');
  await adminPage.getByRole('link', { name: 'Export CSV' }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^audit-log-.*\.csv$/);
});

test('customers can never reach the support console', async ({ browser }) => {
  for (const email of ['admin@acme.test', 'viewer@acme.test']) {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, email);
    expect((await page.goto('/support'))?.status()).toBe(404);
    await expect(page.getByRole('link', { name: 'Organizations' })).toHaveCount(0);
    await page.context().close();
  }
});

test('a viewer has no audit log', async ({ page }) => {
  await signIn(page, 'viewer@acme.test');
  await expect(page.getByRole('link', { name: 'Audit log' })).toHaveCount(0);
  expect((await page.goto('/audit-log'))?.status()).toBe(404);
  expect((await page.request.get('/audit-log/export')).status()).toBe(403);
});

test('a tripped decoy shows a red banner until an admin acknowledges it', async ({ page, request }) => {
  await signIn(page, 'admin@acme.test');
  const clientId = (await page.getByTestId('client-id').textContent())!;
  await page.getByRole('button', { name: 'Add Secret' }).click();
  const dialog = page.getByRole('dialog');
  const decoy = (await dialog.getByTestId('secret-value').textContent())!;
  await dialog.getByRole('button', { name: 'Use as decoy' }).click();
  await expect(dialog.getByText('This secret is now a decoy')).toBeVisible();
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(rowOf(page, decoy)).toContainText('Decoy');

  const attempt = await request.post('/api/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: decoy },
    headers: { 'user-agent': 'leaked-config-scanner/0.1' },
  });
  expect(attempt.status()).toBe(401);
  expect((await attempt.json()).error).toBe('invalid_client');

  const banner = page.getByRole('alert').filter({ hasText: 'Decoy secret used' });
  await expect(async () => {
    await page.reload();
    await expect(banner).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(banner).toContainText(previewOf(decoy));
  await expect(banner).toContainText('leaked-config-scanner/0.1');
  await banner.getByRole('button', { name: 'Acknowledge' }).click();
  await expect(banner).toHaveCount(0);
  await page.reload();
  await expect(banner).toHaveCount(0);
});
