import { expect, type Page } from '@playwright/test';

export const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-password';

export async function signIn(page: Page, email: string, password = PASSWORD) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/credentials$/);
}

export function previewOf(secret: string) {
  return `uqs_…${secret.slice(-4)}`;
}

export function rowOf(page: Page, secret: string) {
  return page.getByTestId('secret-row').filter({ hasText: previewOf(secret) });
}

/** Clicks Add Secret, reads the value from the dialog and closes it. */
export async function addSecret(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Add Secret' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  const value = (await dialog.getByTestId('secret-value').textContent()) ?? '';
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  return value;
}
