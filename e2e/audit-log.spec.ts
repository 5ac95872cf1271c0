import { expect, test } from '@playwright/test';
import { deleteTenant, addSecret, createTenant, previewOf, rowOf, signIn } from './helpers';

const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

test('the audit log names each credential as it was called, and the browser rather than its user agent', async ({
  browser,
}) => {
  // An organization of its own, so that its first secret is "Secret 1" and its log holds only this test's events.
  const tenant = createTenant('Audit log suite');
  const context = await browser.newContext({ userAgent: CHROME_ON_LINUX });
  try {
    const page = await context.newPage();
    await signIn(page, tenant.admin.email, tenant.admin.password);
    const secret = await addSecret(page);
    const preview = previewOf(secret);
    await expect(rowOf(page, secret)).toContainText('Secret 1');

    // Renamed, then deleted: the log still says what it was called at each step.
    await rowOf(page, secret)
      .getByRole('button', { name: `Actions for secret ${preview}` })
      .click();
    await page.getByRole('menuitem', { name: 'Rename' }).click();
    const rename = page.getByRole('dialog', { name: 'Rename secret' });
    await rename.getByLabel('Name').fill('Checkout');
    await rename.getByRole('button', { name: 'Save' }).click();
    await expect(rename).toBeHidden();
    await rowOf(page, secret)
      .getByRole('button', { name: `Actions for secret ${preview}` })
      .click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(rowOf(page, secret)).toHaveCount(0);

    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Audit log' }).click();
    const events = page.getByTestId('audit-event');
    const created = events.filter({ hasText: /^Created/ });
    await expect(created).toContainText(`Created Secret 1 · ${preview}`);
    await expect(events.filter({ hasText: /^Renamed/ })).toContainText(`Renamed Checkout · ${preview}`);
    await expect(events.filter({ hasText: /^Deleted/ })).toContainText(`Deleted Checkout · ${preview}`);

    // Where it was done from reads like the Sessions list, with the full user agent on hover.
    await expect(created).toContainText('Chrome on Linux');
    await expect(created.getByText('Chrome on Linux')).toHaveAttribute('title', CHROME_ON_LINUX);
    await expect(events.filter({ hasText: 'Mozilla/5.0' })).toHaveCount(0);
  } finally {
    await context.close();
    deleteTenant(tenant.organizationId);
  }
});
