import { expect, test, type Page } from '@playwright/test';
import { addVirtualAuthenticator, createTenant, enrollTotp, enterPassword, totpCode } from './helpers';

// Every test here uses its own tenant made with the org tooling: the demo users never get a factor.

function nav(page: Page) {
  return page.getByRole('navigation', { name: 'Portal' });
}

test('enrolls an authenticator app with a computed code, shows recovery codes once, then signs in with a code and a recovery code', async ({
  page,
  browser,
}) => {
  const { admin } = createTenant('TOTP suite');
  await enterPassword(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/credentials$/);
  await nav(page).getByRole('link', { name: 'Security' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Security' })).toBeVisible();
  await expect(page.getByTestId('two-factor-status')).toContainText('Off');

  // A wrong code is refused inside the dialog, linked to the field.
  await page.getByRole('region', { name: 'Authenticator app' }).getByRole('button', { name: 'Set up' }).click();
  const setup = page.getByRole('dialog', { name: 'Set up an authenticator app' });
  await expect(setup.getByRole('img', { name: 'QR code of the authenticator app key' })).toBeVisible();
  const secret = (await setup.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);
  const right = await totpCode(secret);
  const field = setup.getByLabel('Authentication code');
  await field.fill(String((Number(right) + 500_000) % 1_000_000).padStart(6, '0'));
  await setup.getByRole('button', { name: 'Verify' }).click();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#totp-code-error')).toContainText('That code is not valid');
  await expect(field).toHaveAccessibleDescription(/That code is not valid/);

  await field.fill(right);
  await setup.getByRole('button', { name: 'Verify' }).click();
  const codesDialog = page.getByRole('dialog', { name: 'Save your recovery codes' });
  await expect(codesDialog.getByRole('listitem')).toHaveCount(10);
  const recoveryCodes = (await codesDialog.getByRole('listitem').allTextContents()).map((code) => code.trim());
  await expect(codesDialog.getByRole('button', { name: 'Copy' })).toBeVisible();
  await expect(codesDialog.getByRole('button', { name: 'Download' })).toBeVisible();
  await codesDialog.getByRole('button', { name: 'Close' }).click();
  await expect(codesDialog).toBeHidden();
  await expect(page.getByTestId('two-factor-status')).toContainText('On');
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('10 codes left');
  // Shown once: not on the page after a reload.
  await page.reload();
  expect(await page.content()).not.toContain(recoveryCodes[0]);
  expect(await page.content()).not.toContain(secret);

  // Signing in now needs a code; the one used to enroll is spent, the next step's code works.
  const second = await (await browser.newContext()).newPage();
  await enterPassword(second, admin.email, admin.password);
  const code = second.getByLabel('Authentication code');
  await expect(code).toBeVisible();
  await code.fill(right);
  await second.getByRole('button', { name: 'Verify' }).click();
  await expect(second.locator('#sign-in-error')).toContainText(/not valid/);
  await expect(second).toHaveURL(/\/sign-in/);
  await code.fill(await totpCode(secret, 1));
  await second.getByRole('button', { name: 'Verify' }).click();
  await expect(second).toHaveURL(/\/credentials$/);
  await second.context().close();

  // A recovery code signs in once.
  const third = await (await browser.newContext()).newPage();
  await enterPassword(third, admin.email, admin.password);
  await third.getByRole('button', { name: 'Use a recovery code' }).click();
  await third.getByLabel('Recovery code').fill(recoveryCodes[0]!.toUpperCase());
  await third.getByRole('button', { name: 'Verify' }).click();
  await expect(third).toHaveURL(/\/credentials$/);
  await third.goto('/security');
  await expect(third.getByTestId('recovery-codes-left')).toHaveText('9 codes left');
  await third.context().close();

  // Regenerating shows ten new codes once.
  await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
  await page
    .getByRole('alertdialog', { name: 'Make new recovery codes?' })
    .getByRole('button', { name: 'Make new codes' })
    .click();
  await expect(codesDialog.getByRole('listitem')).toHaveCount(10);
  expect(await codesDialog.getByRole('listitem').allTextContents()).not.toContain(recoveryCodes[1]);
  await codesDialog.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('recovery-codes-left')).toHaveText('10 codes left');
});

test('enrolls a passkey with a virtual authenticator and signs in with it', async ({ page }) => {
  await addVirtualAuthenticator(page);

  const { admin } = createTenant('Passkey suite');
  await enterPassword(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/credentials$/);
  await page.goto('/security');
  const passkeys = page.getByRole('region', { name: 'Passkeys and security keys' });
  await passkeys.getByRole('button', { name: 'Add passkey' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a passkey' });
  await dialog.getByLabel('Name').fill('Test laptop');
  await dialog.getByRole('button', { name: 'Continue' }).click();
  // The first factor comes with recovery codes.
  const codesDialog = page.getByRole('dialog', { name: 'Save your recovery codes' });
  await expect(codesDialog.getByRole('listitem')).toHaveCount(10);
  await codesDialog.getByRole('button', { name: 'Close' }).click();
  await expect(passkeys.getByRole('list', { name: 'Passkeys' }).getByRole('listitem')).toContainText(['Test laptop']);
  await expect(passkeys).toContainText('Last used never');
  await expect(page.getByTestId('two-factor-status')).toContainText('On');

  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);
  await enterPassword(page, admin.email, admin.password);
  await page.getByRole('button', { name: 'Use passkey' }).click();
  await expect(page).toHaveURL(/\/credentials$/);
  await page.goto('/security');
  await expect(passkeys).toContainText('Last used just now');

  await passkeys.getByRole('button', { name: 'Rename passkey Test laptop' }).click();
  const rename = page.getByRole('dialog', { name: 'Rename passkey' });
  await rename.getByLabel('Name').fill('   ');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename.getByLabel('Name')).toHaveAccessibleDescription('Give the passkey a name of 1 to 64 characters.');
  await rename.getByLabel('Name').fill('Work laptop');
  await rename.getByRole('button', { name: 'Save' }).click();
  await expect(rename).toBeHidden();
  await expect(passkeys.getByRole('list', { name: 'Passkeys' }).getByRole('listitem')).toContainText(['Work laptop']);

  // Removing the only factor turns two-factor off.
  await passkeys.getByRole('button', { name: 'Remove passkey Work laptop' }).click();
  await page
    .getByRole('alertdialog', { name: 'Remove “Work laptop”?' })
    .getByRole('button', { name: 'Remove' })
    .click();
  await expect(page.getByTestId('two-factor-status')).toContainText('Off');
  await expect(passkeys.getByRole('list', { name: 'Passkeys' })).toHaveCount(0);
});

test('an admin of an organization that requires two-factor is sent to enroll before managing secrets', async ({
  page,
}) => {
  const { admin } = createTenant('Policy suite');
  await enterPassword(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/credentials$/);
  await page.goto('/security');
  const requirement = page.getByRole('switch', { name: 'Require two-factor for admins' });
  await expect(requirement).toHaveAttribute('aria-checked', 'false');
  await requirement.click();
  await expect(requirement).toHaveAttribute('aria-checked', 'true');

  const banner = page
    .getByRole('alert')
    .filter({ hasText: 'Your organization requires two-factor authentication. Set it up to manage credentials.' });
  await nav(page).getByRole('link', { name: 'Credentials' }).click();
  await expect(page).toHaveURL(/\/security$/);
  await expect(banner).toBeVisible();
  await page.goto('/credentials');
  await expect(page).toHaveURL(/\/security$/);

  await enrollTotp(page);
  await expect(banner).toHaveCount(0);
  await nav(page).getByRole('link', { name: 'Credentials' }).click();
  await expect(page).toHaveURL(/\/credentials$/);
  await expect(page.getByRole('button', { name: 'Add Secret' })).toBeVisible();
});

test('"Confirm it\'s you" accepts a passkey or an authentication code instead of the password', async ({ page }) => {
  await addVirtualAuthenticator(page);
  const { admin } = createTenant('Confirm suite');
  await enterPassword(page, admin.email, admin.password);
  await expect(page).toHaveURL(/\/credentials$/);
  const { secret } = await enrollTotp(page);
  const passkeys = page.getByRole('region', { name: 'Passkeys and security keys' });
  await passkeys.getByRole('button', { name: 'Add passkey' }).click();
  const add = page.getByRole('dialog', { name: 'Add a passkey' });
  await add.getByLabel('Name').fill('Desk key');
  await add.getByRole('button', { name: 'Continue' }).click();
  await expect(passkeys.getByRole('list', { name: 'Passkeys' }).getByRole('listitem')).toContainText(['Desk key']);

  try {
    // 20 minutes later, Add Secret asks; the passkey answers and the secret is created without another click.
    expect((await page.request.post('/api/test-clock', { data: { offsetSeconds: 20 * 60 } })).ok()).toBe(true);
    await page.goto('/credentials');
    await page.getByRole('button', { name: 'Add Secret' }).click();
    const confirm = page.getByRole('dialog', { name: "Confirm it's you" });
    await confirm.getByRole('button', { name: 'Use passkey' }).click();
    await expect(page.getByTestId('secret-value')).toHaveText(/^uqs_/);
    await page.getByRole('button', { name: 'Close' }).click();

    // 40 minutes later, an authentication code from the app answers instead.
    expect((await page.request.post('/api/test-clock', { data: { offsetSeconds: 40 * 60 } })).ok()).toBe(true);
    await page.getByRole('button', { name: 'Add Secret' }).click();
    await confirm.getByRole('button', { name: 'Use an authentication code instead' }).click();
    await confirm.getByLabel('Authentication code').fill(await totpCode(secret, 1));
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await expect(page.getByTestId('secret-value')).toHaveText(/^uqs_/);
    await expect(confirm).toBeHidden();
  } finally {
    await page.request.post('/api/test-clock', { data: { offsetSeconds: 0 } });
  }
});
