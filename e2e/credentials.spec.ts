import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { addSecret, previewOf, rowOf, signIn } from './helpers';

test.describe('credentials page, as an admin', () => {
  test.beforeEach(async ({ page }) => {
    await signIn(page, 'admin@acme.test');
  });

  test('follows the documented flow: add, save once, see it disabled, activate', async ({ page, context }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);

    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Credentials' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Credentials' })).toBeVisible();
    await expect(page.getByText('Authorization base URL')).toBeVisible();
    await expect(page.getByText('API base URL')).toBeVisible();
    await expect(page.getByTestId('client-id')).toHaveText(/^[0-9a-f]{24}$/);

    await page.getByRole('button', { name: 'Add Secret' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toBeVisible();
    await expect(dialog).toContainText("You can't read the secret's value again after you close this window");
    const value = (await dialog.getByTestId('secret-value').textContent()) ?? '';
    expect(value).toMatch(/^uqs_[0-9A-Za-z]{49}$/);

    await dialog.getByRole('button', { name: 'Copy' }).click();
    await expect(dialog.getByRole('status')).toHaveText('Copied');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(value);

    const downloadPromise = page.waitForEvent('download');
    await dialog.getByRole('button', { name: 'Download' }).click();
    const download = await downloadPromise;
    expect(download.suggestedFilename()).toMatch(/\.txt$/);
    expect(await readFile(await download.path(), 'utf8')).toBe(value);

    // A click beside the dialog must not throw the value away.
    await page.mouse.click(5, 5);
    await expect(dialog).toBeVisible();

    await dialog.getByRole('button', { name: 'Close' }).click();
    await expect(dialog).toBeHidden();

    const row = rowOf(page, value);
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Disabled');
    await expect(row).toContainText('by Ada Admin');

    await row.getByRole('button', { name: `Actions for secret ${previewOf(value)}` }).click();
    await page.getByRole('menuitem', { name: 'Activate' }).click();
    await expect(row).toContainText('Active');
    await expect(row).not.toContainText('Disabled');

    await page.reload();
    await expect(rowOf(page, value)).toContainText('Active');
    expect(await page.content()).not.toContain(value);
    expect(page.url()).not.toContain(value.slice(4));
  });

  test('deactivates after confirmation, and deletes only a disabled secret', async ({ page }) => {
    const value = await addSecret(page);
    const row = rowOf(page, value);
    const actions = row.getByRole('button', { name: `Actions for secret ${previewOf(value)}` });

    await actions.click();
    await page.getByRole('menuitem', { name: 'Activate' }).click();
    await expect(row).toContainText('Active');

    await actions.click();
    await expect(page.getByRole('menuitem', { name: 'Delete' })).toHaveCount(0);
    await page.getByRole('menuitem', { name: 'Deactivate' }).click();
    const confirm = page.getByRole('alertdialog');
    await expect(confirm).toContainText('Deactivate this secret?');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(row).toContainText('Active');

    await actions.click();
    await page.getByRole('menuitem', { name: 'Deactivate' }).click();
    await confirm.getByRole('button', { name: 'Deactivate' }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toContainText('Disabled');

    await actions.click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await expect(confirm).toContainText('Delete this secret?');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(confirm).toBeHidden();
    await expect(row).toHaveCount(0);
    await page.reload();
    await expect(rowOf(page, value)).toHaveCount(0);
  });

  test('works at phone width: the dialog fits and its buttons are reachable', async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.reload();
    await page.getByRole('button', { name: 'Add Secret' }).click();
    const dialog = page.getByRole('dialog');
    for (const name of ['Copy', 'Download', 'Close']) {
      await expect(dialog.getByRole('button', { name })).toBeInViewport();
    }
    const box = await dialog.getByTestId('secret-value').boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= 390).toBe(true);
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Open navigation' }).click();
    await expect(page.getByRole('dialog').getByRole('link', { name: 'Credentials' })).toBeVisible();
  });
});

test.describe('credentials page, as a viewer', () => {
  test('shows the secrets but offers no way to add or change them', async ({ page, browser }) => {
    const adminPage = await (await browser.newContext()).newPage();
    await signIn(adminPage, 'admin@acme.test');
    const value = await addSecret(adminPage);

    await signIn(page, 'viewer@acme.test');
    await expect(rowOf(page, value)).toContainText('Disabled');
    await expect(page.getByTestId('client-id')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Add Secret' })).toHaveCount(0);
    await expect(page.getByRole('button', { name: /^Actions for secret/ })).toHaveCount(0);
    await expect(page.getByText('You have view-only access')).toBeVisible();
  });
});

test.describe('sign-in', () => {
  test('sends a signed-out visitor to the sign-in page', async ({ page }) => {
    await page.goto('/credentials');
    await expect(page).toHaveURL(/\/sign-in/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });

  test('gives one message for a wrong password and for an unknown email', async ({ page }) => {
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('admin@acme.test');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.locator('form').getByRole('alert');
    await expect(alert).toHaveText('The email or password is incorrect.');

    await page.getByLabel('Email').fill('nobody@acme.test');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(alert).toHaveText('The email or password is incorrect.');
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test('signs out', async ({ page }) => {
    await signIn(page, 'admin@acme.test');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto('/credentials');
    await expect(page).toHaveURL(/\/sign-in/);
  });
});
