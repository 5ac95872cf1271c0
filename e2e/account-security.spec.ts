import { expect, test, type Browser, type Page } from '@playwright/test';
import { PASSWORD, signIn } from './helpers';

async function moveServerClock(page: Page, offsetSeconds: number) {
  const response = await page.request.post('/api/test-clock', { data: { offsetSeconds } });
  expect(response.ok()).toBe(true);
}

async function signedInPage(browser: Browser, email: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email);
  return page;
}

test.afterEach(async ({ page }) => {
  await moveServerClock(page, 0);
});

test('asks "Confirm it\'s you" before Add Secret 20 minutes after sign-in, then creates the secret', async ({
  page,
}) => {
  await signIn(page, 'admin@acme.test');
  await moveServerClock(page, 20 * 60);
  await page.getByRole('button', { name: 'Add Secret' }).click();

  const confirm = page.getByRole('dialog', { name: "Confirm it's you" });
  await expect(confirm).toBeVisible();
  await confirm.getByLabel('Password').fill('not my password');
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  await expect(confirm.getByText('That password is not correct.')).toBeVisible();

  await confirm.getByLabel('Password').fill(PASSWORD);
  await confirm.getByRole('button', { name: 'Confirm' }).click();
  // The secret is created without a second click on Add Secret.
  const created = page.getByRole('dialog', { name: /secret/i });
  await expect(created.getByTestId('secret-value')).toHaveText(/^uqs_/);
  await expect(confirm).toBeHidden();
  await created.getByRole('button', { name: 'Close' }).click();
});

test('does not ask right after sign-in (the seed flow is unchanged)', async ({ page }) => {
  await signIn(page, 'admin@acme.test');
  await page.getByRole('button', { name: 'Add Secret' }).click();
  const created = page.getByRole('dialog');
  await expect(created.getByTestId('secret-value')).toHaveText(/^uqs_/);
  await expect(page.getByRole('dialog', { name: "Confirm it's you" })).toHaveCount(0);
  await created.getByRole('button', { name: 'Close' }).click();
});

test('sign out everywhere ends the session of another browser', async ({ browser }) => {
  const here = await signedInPage(browser, 'viewer@acme.test');
  const elsewhere = await signedInPage(browser, 'viewer@acme.test');

  await here.goto('/security');
  const sessions = here.getByTestId('session-row');
  expect(await sessions.count()).toBeGreaterThanOrEqual(2);
  await expect(here.getByText('This browser')).toBeVisible();
  await here.getByRole('button', { name: 'Sign out everywhere' }).click();
  await here.getByRole('alertdialog').getByRole('button', { name: 'Sign out everywhere' }).click();
  await expect(here).toHaveURL(/\/sign-in/);

  await elsewhere.goto('/credentials');
  await expect(elsewhere).toHaveURL(/\/sign-in/);
  await here.context().close();
  await elsewhere.context().close();
});

test('a session cookie saved before sign-out opens nothing afterwards', async ({ browser }) => {
  const page = await signedInPage(browser, 'viewer@acme.test');
  const saved = await page.context().storageState();
  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await expect(page).toHaveURL(/\/sign-in/);

  const replay = await browser.newContext({ storageState: saved });
  const again = await replay.newPage();
  await again.goto('/credentials');
  await expect(again).toHaveURL(/\/sign-in/);
  await replay.close();
  await page.context().close();
});

test('never redirects to another site after sign-in', async ({ page }) => {
  await page.goto('/sign-in?callbackUrl=/%5Cevil.example/phish');
  await page.getByLabel('Email').fill('viewer@acme.test');
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/localhost:\d+\/credentials$/);
});

test('throttles repeated failures with one message that does not reveal the account', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill('nobody-here@acme.test');
  for (let i = 0; i < 5; i++) {
    await page.getByLabel('Password').fill(`wrong password ${i}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.locator('#sign-in-error')).toHaveText(/The email or password is incorrect\.|Too many attempts/);
  }
  await page.getByLabel('Password').fill('wrong password again');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('#sign-in-error')).toHaveText(/^Too many attempts\. Try again in \d+ minutes?\.$/);
});

test('admits a few sign-in attempts a second per instance and answers a flood with 503 at once', async ({
  request,
}) => {
  // Empty bodies: refused as invalid once admitted, so the flood counts against no account or address.
  const responses = await Promise.all(
    Array.from({ length: 40 }, () => request.post('/api/auth/sign-in', { data: {} })),
  );
  const statuses = responses.map((response) => response.status());
  expect(statuses).toContain(400);
  const busy = responses.filter((response) => response.status() === 503);
  expect(busy.length).toBeGreaterThan(0);
  expect(busy[0]!.headers()['retry-after']).toBe('1');
  expect(await busy[0]!.json()).toMatchObject({
    status: 'busy',
    message: 'The sign-in service is busy. Try again in a moment.',
  });
  // A second later a person can sign in again.
  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect((await request.post('/api/auth/sign-in', { data: {} })).status()).toBe(400);
});
