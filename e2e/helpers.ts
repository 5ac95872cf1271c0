import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { generate } from 'otplib';
import type { E2eServer } from '../playwright.config';

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

/**
 * The server the running test's project (its half of the suite) runs against, from playwright.config.ts.
 * Only inside a test or a hook: each half has its own server, and only the test knows which is its own.
 */
export function thisServer(): E2eServer {
  return test.info().project.metadata as E2eServer;
}

/**
 * Runs scripts/org.ts against this half's embedded database (its server's, reused while it runs) and
 * returns the one line of JSON it prints: tenants and support users made here keep the demo users as seeded.
 */
export function orgCli<T>(args: string[]): T {
  const { databaseDir, databasePort } = thisServer();
  const stdout = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/org.ts', ...args], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      EMBEDDED_PG_DIR: databaseDir,
      EMBEDDED_PG_PORT: String(databasePort),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 60_000,
  });
  return JSON.parse(stdout.toString()) as T;
}

export interface CliUser {
  email: string;
  password: string;
  totp?: { secret: string; uri: string; recoveryCodes: string[] };
}

/**
 * Calls this half's platform API and returns its JSON answer. Synchronous, like the specs' set-up that calls it:
 * a plain `node` (no TypeScript, no database client) sends the request, in tens of milliseconds where starting
 * scripts/org.ts took a second or two of a 2-core machine.
 */
function platformCall<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): T {
  const { baseURL, platformToken } = thisServer();
  const script = `
    const answer = await fetch(process.env.CALL_URL, {
      method: process.env.CALL_METHOD,
      headers: { authorization: 'Bearer ' + process.env.CALL_TOKEN, 'content-type': 'application/json' },
      body: process.env.CALL_BODY || undefined,
    });
    const text = await answer.text();
    if (!answer.ok) { console.error(answer.status, text); process.exit(1); }
    process.stdout.write(text);`;
  const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      ...process.env,
      CALL_URL: new URL(path, baseURL).href,
      CALL_METHOD: method,
      CALL_TOKEN: platformToken,
      CALL_BODY: body === undefined ? '' : JSON.stringify(body),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 60_000,
  });
  return JSON.parse(stdout.toString()) as T;
}

export function createTenant(name: string, { totp = false } = {}) {
  return platformCall<{ organizationId: string; name: string; clientId: string; admin: CliUser }>(
    'POST',
    '/api/platform/tenants',
    {
      name: `${name} ${Date.now()}`,
      ...(totp ? { totp: true } : {}),
    },
  );
}

/** Deletes a tenant made by `createTenant`, with everything it owns. */
export function deleteTenant(organizationId: string) {
  platformCall('DELETE', `/api/platform/tenants/${organizationId}`);
}

/** The code of the step `offset` steps from now: +1 is still accepted, and differs from a code just used. */
export function totpCode(secret: string, offset = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
}

/** The password step of sign-in; where it leads (second factor or the portal) is for the caller to check. */
export async function enterPassword(page: Page, email: string, password: string) {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Sets up an authenticator app on the Security page with a code computed here; returns its key and the recovery codes shown. */
export async function enrollTotp(page: Page): Promise<{ secret: string; recoveryCodes: string[] }> {
  await page.goto('/security');
  await page.getByRole('region', { name: 'Authenticator app' }).getByRole('button', { name: 'Set up' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set up an authenticator app' });
  const secret = (await dialog.getByTestId('totp-secret').textContent())!.replace(/\s/g, '');
  await dialog.getByLabel('Authentication code').fill(await totpCode(secret));
  await dialog.getByRole('button', { name: 'Verify' }).click();
  const codes = page.getByRole('dialog', { name: 'Save your recovery codes' });
  await expect(codes.getByRole('listitem')).toHaveCount(10);
  const recoveryCodes = (await codes.getByRole('listitem').allTextContents()).map((code) => code.trim());
  await codes.getByRole('button', { name: 'Close' }).click();
  await expect(codes).toBeHidden();
  return { secret, recoveryCodes };
}

/** A platform passkey authenticator in this page's browser (Chrome DevTools Protocol), user verified. */
export async function addVirtualAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
    },
  });
}

/** The id Next.js gave a server action in this build (.next/server/server-reference-manifest.json), by its name. */
export function serverActionId(exportedName: string): string {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as {
    node: Record<string, { exportedName?: string }>;
  };
  const id = Object.entries(manifest.node).find(([, action]) => action.exportedName === exportedName)?.[0];
  if (!id) throw new Error(`No server action ${exportedName} in this build`);
  return id;
}
