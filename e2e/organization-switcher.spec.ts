import { expect, test } from '@playwright/test';
import { createTenant, deleteTenant, orgCli, signIn } from './helpers';

// A person in two organizations: signed in, they work in the first they joined; the sidebar's Organization
// switcher lists the other, and choosing it opens that organization's Credentials, with its Client ID and the
// role they have there.

test('a member of two organizations switches to the other and sees its Client ID', async ({ page }) => {
  const home = createTenant('Switch home');
  const other = createTenant('Switch other');
  try {
    orgCli(['member', '--id', other.organizationId, '--email', home.admin.email, '--role', 'viewer']);
    await signIn(page, home.admin.email, home.admin.password);
    await expect(page.getByTestId('client-id')).toContainText(home.clientId);

    const switcher = page.getByRole('button', { name: 'Organization' });
    await expect(switcher).toContainText(home.name);
    await switcher.click();
    await page.getByRole('menuitem', { name: other.name }).click();

    await expect(page.getByTestId('client-id')).toContainText(other.clientId);
    await expect(page).toHaveURL(/\/credentials$/);
    await expect(page.getByRole('button', { name: 'Organization' })).toContainText(other.name);
    // A viewer there, where they are an admin at home.
    await expect(page.getByRole('button', { name: 'Add Secret' })).toHaveCount(0);
  } finally {
    deleteTenant(other.organizationId);
    deleteTenant(home.organizationId);
  }
});
