import { expect, test, type Page } from '@playwright/test';
import { addSecret, previewOf, rowOf, signIn } from './helpers';

async function openMenu(page: Page, secret: string) {
  await rowOf(page, secret)
    .getByRole('button', { name: `Actions for secret ${previewOf(secret)}` })
    .click();
}

async function activate(page: Page, secret: string) {
  await openMenu(page, secret);
  await page.getByRole('menuitem', { name: 'Activate' }).click();
  await expect(rowOf(page, secret)).toContainText('Active');
}

test.beforeEach(async ({ page }) => {
  await signIn(page, 'admin@acme.test');
});

test('names a secret in the creation dialog and renames it from the row menu', async ({ page }) => {
  const suffix = Date.now().toString(36);
  await page.getByRole('button', { name: 'Add Secret' }).click();
  const dialog = page.getByRole('dialog');
  const value = (await dialog.getByTestId('secret-value').textContent())!;
  await dialog.getByLabel('Name').fill(`  Mobile SDK ${suffix}  `);
  await dialog.getByRole('button', { name: 'Save name' }).click();
  await expect(dialog).toContainText(`Saved as “Mobile SDK ${suffix}”`);
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(rowOf(page, value)).toContainText(`Mobile SDK ${suffix}`);

  const other = await addSecret(page);
  await openMenu(page, other);
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename secret' });
  await rename.getByLabel('Name').fill(`Mobile SDK ${suffix}`);
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename.getByText('already named')).toBeVisible();
  await expect(rename).toBeVisible();

  const markup = `<b>Backend</b> ${suffix}`;
  await rename.getByLabel('Name').fill(markup);
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename).toBeHidden();
  await expect(rowOf(page, other).getByRole('link', { name: markup })).toBeVisible();
});

test('sets an expiry: the row and the banner flag it, and it can be removed', async ({ page }) => {
  const secret = await addSecret(page);
  await openMenu(page, secret);
  await page.getByRole('menuitem', { name: 'Set expiry' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set expiry' });
  await dialog.getByLabel('On a date').check();
  const inFiveDays = new Date(Date.now() + 5 * 86_400_000).toLocaleDateString('en-CA');
  await dialog.getByLabel('Expiry date').fill(inFiveDays);
  await dialog.getByRole('button', { name: 'Save expiry' }).click();
  await expect(dialog).toBeHidden();
  await expect(rowOf(page, secret)).toContainText(/Expires in (5|6) days/);
  await expect(page.getByRole('status').filter({ hasText: /expires? within 14 days/ })).toBeVisible();

  await openMenu(page, secret);
  await page.getByRole('menuitem', { name: 'Set expiry' }).click();
  await dialog.getByLabel('No expiry').check();
  await dialog.getByRole('button', { name: 'Save expiry' }).click();
  await expect(dialog).toBeHidden();
  await expect(rowOf(page, secret)).not.toContainText('Expires');
});

test('rolls an active secret with a grace period: both work until the old one stops', async ({ page, request }) => {
  const clientId = (await page.getByTestId('client-id').textContent())!;
  const old = await addSecret(page);
  await activate(page, old);

  await openMenu(page, old);
  await page.getByRole('menuitem', { name: 'Roll' }).click();
  const roll = page.getByRole('dialog', { name: 'Roll secret' });
  await roll.getByLabel('In 1 hour').check();
  await roll.getByRole('button', { name: 'Roll secret' }).click();

  const created = page.getByRole('dialog', { name: 'Replacement secret created' });
  await expect(created).toContainText('already active');
  const replacement = (await created.getByTestId('secret-value').textContent())!;
  expect(replacement).not.toBe(old);
  await created.getByRole('button', { name: 'Close' }).click();

  await expect(rowOf(page, replacement)).toContainText('Active');
  await expect(rowOf(page, old)).toContainText(/Stops in (1 hour|an hour|60 minutes|59 minutes)/);
  await expect(rowOf(page, old).getByRole('button', { name: /^Actions/ })).toBeVisible();
  await openMenu(page, old);
  await expect(page.getByRole('menuitem', { name: 'Roll' })).toHaveCount(0);
  await page.keyboard.press('Escape');

  for (const secret of [old, replacement]) {
    const response = await request.post('/api/oauth/token', {
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
    });
    expect(response.status()).toBe(200);
  }
});

test('warns before deactivating a secret in use, and can revoke the tokens it issued', async ({ page, request }) => {
  const clientId = (await page.getByTestId('client-id').textContent())!;
  const secret = await addSecret(page);
  await activate(page, secret);
  const tokens: string[] = [];
  for (let i = 0; i < 3; i++) {
    const response = await request.post('/api/oauth/token', {
      form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
      headers: { 'user-agent': 'e2e-sdk/2.0' },
    });
    tokens.push((await response.json()).access_token);
  }

  const confirm = page.getByRole('alertdialog');
  await expect(async () => {
    await page.keyboard.press('Escape');
    await openMenu(page, secret);
    await page.getByRole('menuitem', { name: 'Deactivate' }).click();
    await expect(confirm).toContainText('This secret obtained 3 tokens in the last hour; the last one', {
      timeout: 1000,
    });
  }).toPass({ timeout: 15_000 });

  await confirm.getByLabel(/Also revoke the 3 access tokens/).check();
  await confirm.getByRole('button', { name: 'Deactivate' }).click();
  await expect(confirm).toBeHidden();
  await expect(rowOf(page, secret)).toContainText('Disabled');

  const me = await request.get('/api/v1/me', { headers: { authorization: `Bearer ${tokens[0]}` } });
  expect(me.status()).toBe(401);

  await rowOf(page, secret).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.getByRole('table').filter({ hasText: 'e2e-sdk/2.0' })).toContainText('3');
  await expect(page.getByRole('region', { name: 'History' })).toContainText(
    'Its unexpired access tokens were revoked too',
  );
});

test('deactivates several secrets with one confirmation that lists them', async ({ page }) => {
  const first = await addSecret(page);
  const second = await addSecret(page);
  await activate(page, first);
  await activate(page, second);
  await page.getByRole('checkbox', { name: `Select secret ${previewOf(first)}` }).check();
  await page.getByRole('checkbox', { name: `Select secret ${previewOf(second)}` }).check();
  await page
    .getByRole('region', { name: 'Selected secrets' })
    .getByRole('button', { name: 'Deactivate selected' })
    .click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm).toContainText('Deactivate 2 secrets?');
  await expect(confirm).toContainText(previewOf(first));
  await expect(confirm).toContainText(previewOf(second));
  await confirm.getByRole('button', { name: 'Deactivate 2' }).click();
  await expect(confirm).toBeHidden();
  await expect(rowOf(page, first)).toContainText('Disabled');
  await expect(rowOf(page, second)).toContainText('Disabled');
});
