import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import {
  deleteTenant,
  orgCli,
  addSecret,
  addVirtualAuthenticator,
  createTenant,
  enterPassword,
  previewOf,
  rowOf,
  signIn,
  totpCode,
  type CliUser,
} from './helpers';

// axe-core's checks for WCAG 2.0, 2.1 and 2.2 at levels A and AA, and its best practices: every page and every
// dialog and menu must pass all of them. A new component that breaks one fails here, named by rule and element.
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

const CHROME_ON_LINUX =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';
test.use({ userAgent: CHROME_ON_LINUX });
// Each test checks many states, at a second or two each.
test.describe.configure({ timeout: 180_000 });

/**
 * Checks the page at rest; a failure lists each rule broken and the elements that break it. Contrast is
 * measured on what is drawn, so a toast fading in or out (half transparent) would be judged mid-fade: wait
 * for every finite animation and transition to end first.
 */
async function expectNoViolations(page: Page, state: string) {
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every(
            (animation) => animation.playState !== 'running' || animation.effect?.getTiming().iterations === Infinity,
          ),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => {});
  const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const found = violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
  expect.soft(found, `axe violations: ${state}`).toEqual([]);
}

/** Opens a dialog, checks it, and closes it with its Cancel button (or Escape). */
async function checkDialog(page: Page, open: () => Promise<void>, dialog: Locator, state: string) {
  await open();
  await expect(dialog).toBeVisible();
  await expectNoViolations(page, state);
  const cancel = dialog.getByRole('button', { name: 'Cancel' });
  if (await cancel.count()) await cancel.click();
  else await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
}

async function moveServerClock(page: Page, offsetSeconds: number) {
  expect((await page.request.post('/api/test-clock', { data: { offsetSeconds } })).ok()).toBe(true);
}

const tenants: string[] = [];
function tenant(name: string) {
  const created = createTenant(name);
  tenants.push(created.organizationId);
  return created;
}

test.afterEach(async ({ page }) => {
  await moveServerClock(page, 0);
  for (const id of tenants.splice(0)) deleteTenant(id);
});

test('the sign-in page, its errors and a page that does not exist', async ({ page }) => {
  await page.goto('/sign-in');
  await expectNoViolations(page, 'sign-in');
  await page.getByLabel('Email').fill('nobody@acme.test');
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('form').getByRole('alert')).toHaveText('The email or password is incorrect.');
  await expectNoViolations(page, 'sign-in, refused');
  await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
  await page.getByLabel('Email').fill('nobody@no-sso.example');
  await page.getByRole('button', { name: 'Continue', exact: true }).click();
  await expect(page.locator('form').getByRole('alert')).toContainText('Single sign-on is not set up');
  await expectNoViolations(page, 'sign-in, single sign-on refused');

  await signIn(page, 'viewer@acme.test');
  expect((await page.goto('/no-such-page'))?.status()).toBe(404);
  await expectNoViolations(page, 'page not found');
});

test('the credentials page, its menus and every dialog, as an admin', async ({ page }) => {
  // About 35 states, the most of any test here: 2.9 of the 3 minutes in CI, and over them on a busier machine.
  test.setTimeout(300_000);
  const { admin } = tenant('Accessibility credentials');
  await signIn(page, admin.email, admin.password);
  await expectNoViolations(page, 'credentials, empty');

  // Add Secret and the dialog that shows the value once.
  await page.getByRole('button', { name: 'Add Secret' }).click();
  const created = page.getByRole('dialog');
  const secret = (await created.getByTestId('secret-value').textContent())!;
  await expectNoViolations(page, 'secret created dialog');
  await created.getByRole('button', { name: 'Close' }).click();
  await expect(created).toBeHidden();
  const other = await addSecret(page);
  await expectNoViolations(page, 'credentials, with secrets');

  for (const [button, title] of [
    ['Add restricted secret', 'Restricted secret'],
    ['Add public key', 'Add public key'],
    ['Add trusted workload', 'Add trusted workload'],
  ] as const) {
    await checkDialog(
      page,
      () => page.getByRole('button', { name: button }).click(),
      page.getByRole('dialog', { name: title }),
      `${title} dialog`,
    );
  }

  // The row menu of a disabled secret, and each dialog it opens.
  const actions = (value: string) =>
    rowOf(page, value).getByRole('button', { name: `Actions for secret ${previewOf(value)}` });
  const menu = page.getByRole('menu');
  await actions(secret).click();
  await expect(menu).toBeVisible();
  await expectNoViolations(page, 'row menu of a disabled secret');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  const fromMenu = (value: string, item: string) => async () => {
    await actions(value).click();
    await page.getByRole('menuitem', { name: item }).click();
  };
  for (const [item, dialog] of [
    ['Rename', page.getByRole('dialog', { name: 'Rename secret' })],
    ['Set expiry', page.getByRole('dialog', { name: 'Set expiry' })],
    ['Allowed addresses', page.getByRole('dialog', { name: 'Allowed addresses' })],
    ['Edit scopes', page.getByRole('dialog', { name: 'Edit scopes' })],
    ['Make decoy', page.getByRole('alertdialog', { name: 'Make this secret a decoy?' })],
    ['Delete', page.getByRole('alertdialog', { name: 'Delete this secret?' })],
  ] as const) {
    await checkDialog(page, fromMenu(secret, item), dialog, `${item} dialog`);
  }

  // An active secret that has issued a token: its menu, deactivation and roll.
  await fromMenu(secret, 'Activate')();
  await expect(rowOf(page, secret)).toContainText('Active');
  await expect(page.getByText('Secret Secret 1 activated.')).toBeVisible();
  await expectNoViolations(page, 'success toast');
  const clientId = (await page.getByTestId('client-id').textContent())!;
  const token = await page.request.post('/api/oauth/token', {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
  });
  expect(token.status()).toBe(200);
  await actions(secret).click();
  await expect(menu).toBeVisible();
  await expectNoViolations(page, 'row menu of an active secret');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  for (const [item, dialog] of [
    ['Deactivate', page.getByRole('alertdialog', { name: 'Deactivate this secret?' })],
    ['Roll', page.getByRole('dialog', { name: 'Roll secret' })],
  ] as const) {
    await checkDialog(page, fromMenu(secret, item), dialog, `${item} dialog`);
  }
  await fromMenu(secret, 'Roll')();
  const roll = page.getByRole('dialog', { name: 'Roll secret' });
  await roll.getByLabel('In 1 hour').check();
  await roll.getByRole('button', { name: 'Roll secret' }).click();
  const replacement = page.getByRole('dialog', { name: 'Replacement secret created' });
  await expect(replacement.getByTestId('secret-value')).toHaveText(/^uqs_/);
  await expectNoViolations(page, 'replacement created dialog');
  await replacement.getByRole('button', { name: 'Close' }).click();
  await expect(replacement).toBeHidden();

  // Once deactivated, a secret that was used offers to revoke the tokens it issued.
  await fromMenu(secret, 'Deactivate')();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Deactivate' }).click();
  await expect(rowOf(page, secret)).toContainText('Disabled');
  await expect(async () => {
    await page.reload();
    await actions(secret).click();
    await expect(page.getByRole('menuitem', { name: 'Revoke issued tokens' })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await page.keyboard.press('Escape');
  await checkDialog(
    page,
    fromMenu(secret, 'Revoke issued tokens'),
    page.getByRole('alertdialog', { name: 'Revoke the access tokens this secret issued?' }),
    'revoke issued tokens dialog',
  );

  // Several secrets at once.
  await page.getByRole('checkbox', { name: `Select secret ${previewOf(other)}` }).check();
  await expectNoViolations(page, 'credentials, one selected');
  await checkDialog(
    page,
    () => page.getByRole('button', { name: 'Delete selected' }).click(),
    page.getByRole('alertdialog'),
    'bulk delete dialog',
  );

  // A credential's own page, and the audit log with all of the above in it.
  await rowOf(page, secret).getByRole('link').first().click();
  await expect(page).toHaveURL(/\/credentials\/[0-9a-f-]{36}$/);
  const details = new URL(page.url()).pathname;
  await expectNoViolations(page, 'credential details');
  await page.goto('/audit-log');
  await expect(page.getByTestId('audit-event').first()).toBeVisible();
  await expectNoViolations(page, 'audit log');
  // The request log with the token request above in it (written within a batch), and one found by its ID.
  await expect(async () => {
    await page.goto('/request-log');
    await expect(page.getByTestId('request-row').first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  await expectNoViolations(page, 'request log');
  await page.getByTestId('request-id').first().click();
  await expect(page.getByRole('heading', { name: 'Request found' })).toBeVisible();
  await expectNoViolations(page, 'request log, a request found by its ID');

  // Later in the session, a change asks "Confirm it's you" first.
  await page.goto('/credentials');
  await moveServerClock(page, 20 * 60);
  await checkDialog(
    page,
    () => page.getByRole('button', { name: 'Add Secret' }).click(),
    page.getByRole('dialog', { name: "Confirm it's you" }),
    'confirm identity dialog, password only',
  );

  // At phone width: the pages and the navigation drawer.
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/credentials', details, '/audit-log', '/request-log', '/security']) {
    await page.goto(path);
    await expectNoViolations(page, `${path} at 390 px`);
  }
  await checkDialog(
    page,
    () => page.getByRole('button', { name: 'Open navigation' }).click(),
    page.getByRole('dialog', { name: 'Navigation' }),
    'navigation drawer',
  );
});

test('the webhooks pages, their menus and every dialog, as an admin and as a viewer', async ({ page, browser }) => {
  const { admin } = tenant('Accessibility webhooks');
  await signIn(page, admin.email, admin.password);
  await page.goto('/webhooks');
  await expectNoViolations(page, 'webhooks, empty');

  // Add endpoint, refused next to its field, then the signing secret shown once.
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const add = page.getByRole('dialog', { name: 'Add endpoint' });
  await expect(add).toBeVisible();
  await expectNoViolations(page, 'add endpoint dialog');
  await add.getByLabel('Endpoint URL').fill('https://169.254.169.254/latest/meta-data/');
  await add.getByRole('button', { name: 'Add endpoint' }).click();
  await expect(add.getByLabel('Endpoint URL')).toHaveAttribute('aria-invalid', 'true');
  await expectNoViolations(page, 'add endpoint dialog, refused');
  const url = 'https://hooks.example.com/accessibility';
  await add.getByLabel('Endpoint URL').fill(url);
  await add.getByRole('checkbox', { name: 'credential.new_caller' }).uncheck();
  await expectNoViolations(page, 'add endpoint dialog, some events');
  await add.getByRole('button', { name: 'Add endpoint' }).click();
  const shown = page.getByRole('dialog', { name: 'Endpoint added' });
  await expect(shown.getByTestId('signing-secret')).toBeVisible();
  await expectNoViolations(page, 'signing secret dialog');
  await shown.getByRole('button', { name: 'Close' }).click();
  await expect(shown).toBeHidden();
  const row = page.getByTestId('webhook-endpoint').filter({ hasText: url });
  await expect(row).toBeVisible();
  await expectNoViolations(page, 'webhooks, with an endpoint');

  // The row menu and the dialogs it opens.
  const actions = row.getByRole('button', { name: `Actions for endpoint ${url}` });
  const menu = page.getByRole('menu');
  await actions.click();
  await expect(menu).toBeVisible();
  await expectNoViolations(page, 'endpoint row menu');
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  for (const [item, dialog] of [
    ['Edit', page.getByRole('dialog', { name: 'Edit endpoint' })],
    ['Roll signing secret', page.getByRole('alertdialog', { name: 'Roll the signing secret?' })],
    ['Delete', page.getByRole('alertdialog', { name: 'Delete this endpoint?' })],
  ] as const) {
    await checkDialog(
      page,
      async () => {
        await actions.click();
        await page.getByRole('menuitem', { name: item }).click();
      },
      dialog,
      `${item} endpoint dialog`,
    );
  }
  await actions.click();
  await page.getByRole('menuitem', { name: 'Send test event' }).click();
  await expect(page.getByText(`Test event sent to ${url}.`)).toBeVisible();
  await actions.click();
  await page.getByRole('menuitem', { name: 'Disable' }).click();
  await expect(row).toContainText('Disabled');
  await expectNoViolations(page, 'webhooks, a disabled endpoint');

  // The endpoint's page with its deliveries.
  await row.getByRole('link', { name: url }).click();
  await expect(page.getByRole('heading', { level: 1, name: url })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('webhook-delivery').first()).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  const details = new URL(page.url()).pathname;
  await expectNoViolations(page, 'endpoint details');

  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/webhooks', details]) {
    await page.goto(path);
    await expectNoViolations(page, `${path} at 390 px`);
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // The demo viewer's read-only list.
  const viewer = await (await browser.newContext({ userAgent: CHROME_ON_LINUX })).newPage();
  await signIn(viewer, 'viewer@acme.test');
  await viewer.goto('/webhooks');
  await expect(viewer.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  await expectNoViolations(viewer, 'webhooks as a viewer');
  await viewer.context().close();
});

test('the members page, its menus and dialogs, and the invitation page', async ({ page, browser }) => {
  const { admin } = tenant('Accessibility members');
  await signIn(page, admin.email, admin.password);
  await page.goto('/members');
  await expectNoViolations(page, 'members, no invitations');

  const invitee = `invitee-${Date.now()}@example.test`;
  await page.getByRole('button', { name: 'Invite member' }).click();
  const invite = page.getByRole('dialog', { name: 'Invite member' });
  await expect(invite).toBeVisible();
  await expectNoViolations(page, 'invite member dialog');
  await invite.getByLabel('Email').fill(admin.email);
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(invite.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true');
  await expectNoViolations(page, 'invite member dialog, refused');
  await invite.getByLabel('Email').fill(invitee);
  await invite.getByRole('button', { name: 'Send invitation' }).click();
  await expect(invite).toBeHidden();
  await expect(page.getByTestId('invitation-row')).toHaveCount(1);
  await expectNoViolations(page, 'members with a pending invitation');

  await page.getByRole('button', { name: `Actions for ${invitee}` }).click();
  await expect(page.getByRole('menu')).toBeVisible();
  await expectNoViolations(page, 'invitation menu');
  await page.keyboard.press('Escape');
  for (const [item, dialog] of [
    ['Change role', page.getByRole('dialog', { name: /^Change role of / })],
    ['Remove', page.getByRole('alertdialog', { name: 'Leave the organization?' })],
  ] as const) {
    await checkDialog(
      page,
      async () => {
        await page.getByRole('button', { name: `Actions for ${admin.email}` }).click();
        await page.getByRole('menuitem', { name: item }).click();
      },
      dialog,
      `member ${item} dialog`,
    );
  }

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/members');
  await expectNoViolations(page, '/members at 390 px');
  await page.setViewportSize({ width: 1280, height: 800 });

  const stranger = await (await browser.newContext({ userAgent: CHROME_ON_LINUX })).newPage();
  await stranger.goto('/invitation');
  await expect(stranger.getByRole('main').getByRole('alert')).toContainText('Open this page from the link');
  await expectNoViolations(stranger, 'invitation page without a link');
  await stranger.goto('about:blank');
  await stranger.goto(`/invitation#token=inv_${'A'.repeat(43)}`);
  await expect(stranger.getByRole('main').getByRole('alert')).toContainText('not valid any more');
  await expectNoViolations(stranger, 'invitation page, a dead link');
  await stranger.context().close();
});

test('the security page and its dialogs, and the second step of signing in', async ({ page, browser }) => {
  const { admin } = tenant('Accessibility security');
  await signIn(page, admin.email, admin.password);
  await page.goto('/security');
  await expectNoViolations(page, 'security, no second factor');

  // An authenticator app: setup, then the recovery codes shown once.
  const app = page.getByRole('region', { name: 'Authenticator app' });
  await app.getByRole('button', { name: 'Set up' }).click();
  const setup = page.getByRole('dialog', { name: 'Set up an authenticator app' });
  await expect(setup.getByTestId('totp-secret')).toBeVisible();
  await expectNoViolations(page, 'authenticator setup dialog');
  const key = (await setup.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
  await setup.getByLabel('Authentication code').fill('000000');
  await setup.getByRole('button', { name: 'Verify' }).click();
  await expect(setup.getByLabel('Authentication code')).toHaveAttribute('aria-invalid', 'true');
  await expectNoViolations(page, 'authenticator setup dialog, wrong code');
  await setup.getByLabel('Authentication code').fill(await totpCode(key));
  await setup.getByRole('button', { name: 'Verify' }).click();
  const codes = page.getByRole('dialog', { name: 'Save your recovery codes' });
  await expect(codes.getByRole('listitem')).toHaveCount(10);
  await expectNoViolations(page, 'recovery codes dialog');
  await codes.getByRole('button', { name: 'Close' }).click();
  await expect(codes).toBeHidden();

  // A passkey, renamed and (not) removed.
  await addVirtualAuthenticator(page);
  const passkeys = page.getByRole('region', { name: 'Passkeys and security keys' });
  await passkeys.getByRole('button', { name: 'Add passkey' }).click();
  const add = page.getByRole('dialog', { name: 'Add a passkey' });
  await expect(add).toBeVisible();
  await expectNoViolations(page, 'add passkey dialog');
  await add.getByLabel('Name').fill('Test laptop');
  await add.getByRole('button', { name: 'Continue' }).click();
  await expect(add).toBeHidden();
  await expect(passkeys.getByRole('list', { name: 'Passkeys' })).toContainText('Test laptop');
  await expectNoViolations(page, 'security, with both factors');
  await checkDialog(
    page,
    () => passkeys.getByRole('button', { name: 'Rename passkey Test laptop' }).click(),
    page.getByRole('dialog', { name: 'Rename passkey' }),
    'rename passkey dialog',
  );
  for (const [button, title] of [
    ['Remove passkey Test laptop', 'Remove “Test laptop”?'],
    ['Remove authenticator app', 'Remove the authenticator app?'],
    ['Regenerate recovery codes', 'Make new recovery codes?'],
    ['Sign out everywhere', 'Sign out everywhere?'],
  ] as const) {
    await checkDialog(
      page,
      () => page.getByRole('button', { name: button }).click(),
      page.getByRole('alertdialog', { name: title }),
      `${title} dialog`,
    );
  }

  // Confirming identity with every factor on offer.
  await moveServerClock(page, 20 * 60);
  await page.getByRole('button', { name: 'Regenerate recovery codes' }).click();
  await page
    .getByRole('alertdialog', { name: 'Make new recovery codes?' })
    .getByRole('button', { name: 'Make new codes' })
    .click();
  const confirm = page.getByRole('dialog', { name: "Confirm it's you" });
  await expect(confirm).toBeVisible();
  await expectNoViolations(page, 'confirm identity dialog, every factor');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toBeHidden();
  await moveServerClock(page, 0);

  // The second step of signing in, with a code and with a recovery code.
  const second = await (await browser.newContext({ userAgent: CHROME_ON_LINUX })).newPage();
  await enterPassword(second, admin.email, admin.password);
  await expect(second.getByLabel('Authentication code')).toBeVisible();
  await expectNoViolations(second, 'sign-in, second factor');
  await second.getByRole('button', { name: 'Use a recovery code' }).click();
  await expect(second.getByLabel('Recovery code')).toBeVisible();
  await expectNoViolations(second, 'sign-in, recovery code');
  await second.context().close();
});

test('the organization settings, as the demo admin, and the read-only pages of a viewer', async ({ page, browser }) => {
  await signIn(page, 'admin@acme.test');
  await addSecret(page);
  await page.goto('/security');
  await expect(page.getByRole('switch', { name: 'Require two-factor for admins' })).toBeVisible();
  await expectNoViolations(page, 'security with organization settings');

  const viewer = await (await browser.newContext({ userAgent: CHROME_ON_LINUX })).newPage();
  await signIn(viewer, 'viewer@acme.test');
  await expectNoViolations(viewer, 'credentials as a viewer');
  await viewer.getByTestId('secret-row').first().getByRole('link').first().click();
  await expect(viewer).toHaveURL(/\/credentials\/[0-9a-f-]{36}$/);
  await expectNoViolations(viewer, 'credential details as a viewer');
  await viewer.context().close();
});

test('the support console, as support staff', async ({ page, browser }) => {
  // A customer with an active secret to look at.
  const customer = tenant('Accessibility support');
  const adminPage = await (await browser.newContext({ userAgent: CHROME_ON_LINUX })).newPage();
  await signIn(adminPage, customer.admin.email, customer.admin.password);
  const secret = await addSecret(adminPage);
  await rowOf(adminPage, secret)
    .getByRole('button', { name: `Actions for secret ${previewOf(secret)}` })
    .click();
  await adminPage.getByRole('menuitem', { name: 'Activate' }).click();
  await expect(rowOf(adminPage, secret)).toContainText('Active');
  await adminPage.context().close();

  // Without two-factor, the console shows only the way to set it up.
  const bare = orgCli<CliUser>(['support', '--email', `bare-support-${Date.now()}@suite.test`]);
  await enterPassword(page, bare.email, bare.password);
  await expect(page).toHaveURL(/\/support$/);
  await expectNoViolations(page, 'support console before two-factor');
  await page.context().clearCookies();

  const support = orgCli<CliUser>(['support', '--email', `a11y-support-${Date.now()}@suite.test`, '--totp']);
  await enterPassword(page, support.email, support.password);
  await page.getByLabel('Authentication code').fill(await totpCode(support.totp!.secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/support$/);
  await expectNoViolations(page, 'support console');
  await page.getByRole('searchbox', { name: 'Search organizations' }).fill(customer.name);
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/\?q=/);
  await expect(page.getByRole('link', { name: customer.name })).toBeVisible();
  await expectNoViolations(page, 'support search results');
  await page.getByRole('link', { name: customer.name }).click();
  await expect(page.getByRole('heading', { level: 1, name: customer.name })).toBeVisible();
  await expectNoViolations(page, "a customer's credentials");
  await checkDialog(
    page,
    () =>
      rowOf(page, secret)
        .getByRole('button', { name: `Emergency deactivate secret ${previewOf(secret)}` })
        .click(),
    page.getByRole('dialog', { name: 'Emergency deactivation' }),
    'emergency deactivation dialog',
  );

  await page.getByRole('link', { name: /^Request log/ }).click();
  await expect(page.getByRole('heading', { level: 1, name: `${customer.name}: request log` })).toBeVisible();
  await expectNoViolations(page, "a customer's request log");
  await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Platform log' }).click();
  const events = page.getByTestId('platform-event');
  await expect(events.first()).toContainText('Signed in');
  // The browser reads as it does in the Sessions list and the audit log, with the full string on hover.
  await expect(events.first().getByText('Chrome on Linux')).toHaveAttribute('title', CHROME_ON_LINUX);
  await expectNoViolations(page, 'platform log');
  await page.goto('/security');
  await expectNoViolations(page, 'security as support staff');

  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/support', '/support/platform-log', '/security']) {
    await page.goto(path);
    await expectNoViolations(page, `${path} at 390 px`);
  }
});
