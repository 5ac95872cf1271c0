import { expect, type Page } from '@playwright/test';
import { totp } from './totp.js';

export interface AdminCredentials {
  email: string;
  password: string;
  totpSecret: string;
}

/**
 * The authenticator code for the next sign-in of one user. The portal accepts a code once, and also the next
 * step's code (clock drift), so a second sign-in within one 30-second step uses the next step's code; a third
 * waits for a new step.
 */
export class TotpSteps {
  private lastUsed = -1;

  async nextCode(secret: string): Promise<string> {
    let step = Math.floor(Date.now() / 30_000);
    if (step <= this.lastUsed) step = this.lastUsed + 1;
    if (step > Math.floor(Date.now() / 30_000) + 1) {
      await new Promise((resolve) => setTimeout(resolve, (step - 1) * 30_000 - Date.now() + 50));
    }
    this.lastUsed = step;
    return totp(secret, step * 30_000);
  }
}

/** How long to keep trying while the portal answers that sign-in is busy (it sheds load with a 503). */
const BUSY_RETRY_MS = 15_000;

/**
 * Signs in on /sign-in through its documented names: email and password, then the authenticator code. A
 * portal under load may answer the password step with "busy, try again in a moment"; that is tried again
 * a second later, as a person would, for up to 15 s.
 */
export async function signIn(page: Page, portalUrl: string, admin: AdminCredentials, steps: TotpSteps) {
  const code = page.getByRole('textbox', { name: 'Authentication code' });
  const busy = page.getByRole('alert').filter({ hasText: /busy/i });
  const giveUpAt = Date.now() + BUSY_RETRY_MS;
  for (;;) {
    await page.goto(new URL('/sign-in', portalUrl).href);
    await page.getByRole('textbox', { name: 'Email' }).fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(code.or(busy).first()).toBeVisible();
    if (!(await busy.isVisible()) || Date.now() > giveUpAt) break;
    await page.waitForTimeout(1_000);
  }
  await code.fill(await steps.nextCode(admin.totpSecret));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page).toHaveURL(/\/credentials$/);
}

/** Answers the "Confirm it's you" dialog with the admin's password whenever a sensitive action asks for it. */
export async function confirmIdentityWhenAsked(page: Page, password: string) {
  await page.addLocatorHandler(page.getByRole('dialog', { name: "Confirm it's you" }), async (dialog) => {
    await dialog.getByLabel('Password', { exact: true }).fill(password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
  });
}
