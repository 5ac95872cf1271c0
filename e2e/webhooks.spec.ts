import { expect, test, type Page } from '@playwright/test';
import { deleteTenant, createTenant, signIn } from './helpers';

// Development › Webhooks, as a person uses it: an admin adds an endpoint and copies its signing secret, shown
// once; disables, enables, edits, rolls and deletes it from its row's menu. A viewer sees the list without menus.

const tenants: string[] = [];
test.afterEach(() => {
  for (const id of tenants.splice(0)) deleteTenant(id);
});

function endpointRow(page: Page, url: string) {
  return page.getByTestId('webhook-endpoint').filter({ hasText: url });
}

async function openWebhooks(page: Page) {
  await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
}

async function addEndpoint(page: Page, url: string, description = '') {
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add endpoint' });
  await dialog.getByLabel('Endpoint URL').fill(url);
  if (description) await dialog.getByLabel('Description').fill(description);
  await dialog.getByRole('button', { name: 'Add endpoint' }).click();
  const shown = page.getByRole('dialog', { name: 'Endpoint added' });
  await expect(shown.getByTestId('signing-secret')).toHaveText(/^whsec_[A-Za-z0-9+/]{32}$/);
  return shown;
}

test('an admin adds an endpoint, copies its secret once, disables, enables, edits, rolls and deletes it', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const tenant = createTenant('Webhooks');
  tenants.push(tenant.organizationId);
  await signIn(page, tenant.admin.email, tenant.admin.password);
  await openWebhooks(page);
  await expect(page.getByText('No endpoints yet')).toBeVisible();

  // Addresses the server must never post to are refused next to the URL, and the dialog stays open.
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const form = page.getByRole('dialog', { name: 'Add endpoint' });
  const urlField = form.getByLabel('Endpoint URL');
  await expect(form.getByRole('checkbox', { name: 'All events' })).toBeChecked();
  await expect(form.getByRole('checkbox', { name: 'credential.leaked' })).toBeChecked();
  for (const [url, message] of [
    ['http://hooks.example.com/credentials', 'Use an https:// URL.'],
    ['https://169.254.169.254/latest/meta-data/', /link-local \(cloud metadata\) address/],
    ['https://10.0.0.8/hook', /private address/],
  ] as const) {
    await urlField.fill(url);
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(urlField).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByText(message)).toBeVisible();
  }
  // No event at all is refused too; "All events" checks them all again.
  await form.getByRole('checkbox', { name: 'All events' }).uncheck();
  await urlField.fill('https://hooks.example.com/credentials');
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(form.getByText('Choose at least one event, or All events.')).toBeVisible();
  await form.getByRole('checkbox', { name: 'All events' }).check();
  await form.getByLabel('Description').fill('On-call alerts');
  await form.getByRole('button', { name: 'Add endpoint' }).click();

  // The signing secret, once: copied, then gone for good.
  const shown = page.getByRole('dialog', { name: 'Endpoint added' });
  const secretBox = shown.getByTestId('signing-secret');
  await expect(secretBox).toHaveText(/^whsec_[A-Za-z0-9+/]{32}$/);
  const secret = (await secretBox.textContent())!;
  await shown.getByRole('button', { name: 'Copy' }).click();
  await expect(shown.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await shown.getByRole('button', { name: 'Close' }).click();
  await expect(shown).toBeHidden();

  const url = 'https://hooks.example.com/credentials';
  const row = endpointRow(page, url);
  await expect(row).toContainText('On-call alerts');
  await expect(row).toContainText('All events');
  await expect(row).toContainText('Enabled');
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.getByText(secret)).toHaveCount(0);

  // Disable and Enable from the row's menu.
  const menu = row.getByRole('button', { name: `Actions for endpoint ${url}` });
  await menu.click();
  await page.getByRole('menuitem', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  await menu.click();
  await expect(page.getByRole('menuitem', { name: 'Send test event' })).toBeDisabled();
  await page.getByRole('menuitem', { name: 'Enable' }).click();
  await expect(row).toContainText('Enabled');

  // Edit keeps the URL and secret, and changes which events it gets.
  await menu.click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit endpoint' });
  await expect(edit.getByLabel('Endpoint URL')).toHaveValue(url);
  await expect(edit.getByLabel('Description')).toHaveValue('On-call alerts');
  await edit.getByRole('checkbox', { name: 'All events' }).uncheck();
  await edit.getByRole('checkbox', { name: 'credential.leaked' }).check();
  await edit.getByRole('checkbox', { name: 'credential.expiring' }).check();
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(row).toContainText('credential.expiring, credential.leaked');

  // A test event shows on the endpoint's page.
  await menu.click();
  await page.getByRole('menuitem', { name: 'Send test event' }).click();
  await expect(page.getByText(`Test event sent to ${url}.`)).toBeVisible();
  await row.getByRole('link', { name: url }).click();
  await expect(page.getByRole('heading', { level: 1, name: url })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('webhook-delivery').first()).toContainText('webhook.test', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expect(page.getByRole('button', { name: 'Resend webhook.test' }).first()).toBeVisible();
  await page.getByRole('link', { name: 'Webhooks' }).first().click();

  // Rolling shows a new secret once; the previous one keeps signing for a day.
  await menu.click();
  await page.getByRole('menuitem', { name: 'Roll signing secret' }).click();
  const confirmRoll = page.getByRole('alertdialog', { name: 'Roll the signing secret?' });
  await confirmRoll.getByRole('button', { name: 'Roll signing secret' }).click();
  const rolled = page.getByRole('dialog', { name: 'New signing secret' });
  await expect(rolled.getByTestId('signing-secret')).toHaveText(/^whsec_/);
  expect(await rolled.getByTestId('signing-secret').textContent()).not.toBe(secret);
  await expect(rolled).toContainText('also signed with the previous secret');
  await rolled.getByRole('button', { name: 'Close' }).click();

  // Deleting asks first.
  await menu.click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page
    .getByRole('alertdialog', { name: 'Delete this endpoint?' })
    .getByRole('button', { name: 'Delete' })
    .click();
  await expect(row).toHaveCount(0);
  await expect(page.getByText('No endpoints yet')).toBeVisible();

  // Every change is in the audit log.
  await page.goto('/audit-log');
  for (const action of [
    'Webhook endpoint added',
    'Webhook endpoint changed',
    'Webhook endpoint disabled',
    'Webhook endpoint enabled',
    'Webhook signing secret rolled',
    'Webhook endpoint deleted',
  ])
    await expect(page.getByTestId('audit-event').filter({ hasText: action })).toHaveCount(1);
});

test('a viewer sees the endpoints without their menus or Add endpoint', async ({ page, browser }) => {
  await signIn(page, 'admin@acme.test');
  await openWebhooks(page);
  const url = `https://hooks.example.com/viewer-${Date.now()}`;
  const shown = await addEndpoint(page, url, 'Seen by the viewer');
  await shown.getByRole('button', { name: 'Close' }).click();
  const adminRow = endpointRow(page, url);
  await expect(adminRow).toBeVisible();

  try {
    const viewer = await (await browser.newContext()).newPage();
    await signIn(viewer, 'viewer@acme.test');
    await openWebhooks(viewer);
    const row = endpointRow(viewer, url);
    await expect(row).toContainText('Seen by the viewer');
    await expect(row).toContainText('Enabled');
    await expect(viewer.getByRole('button', { name: /^Actions for endpoint/ })).toHaveCount(0);
    await expect(viewer.getByRole('button', { name: 'Add endpoint' })).toHaveCount(0);
    await expect(viewer.getByText('You have view-only access')).toBeVisible();
    await row.getByRole('link', { name: url }).click();
    await expect(viewer.getByRole('heading', { level: 1, name: url })).toBeVisible();
    await expect(viewer.getByRole('button', { name: /^Actions for endpoint/ })).toHaveCount(0);
    await viewer.context().close();
  } finally {
    await adminRow.getByRole('button', { name: `Actions for endpoint ${url}` }).click();
    await page.getByRole('menuitem', { name: 'Delete' }).click();
    await page.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
    await expect(adminRow).toHaveCount(0);
  }
});
