import { randomBytes } from 'node:crypto';
import { test as base, type BrowserContext, type Page, type TestInfo } from '@playwright/test';
import { CredentialsPage } from './credentials-page.js';
import type { Duration } from './duration.js';
import { PlatformApi } from './platform.js';
import { type EventDataOf, WebhookReceiver, type WebhookEvent } from './receiver.js';
import { TotpSteps, confirmIdentityWhenAsked, signIn } from './sign-in.js';
import { TokenClient, type TokenRequest, type TokenResponse } from './tokens.js';
import { totp } from './totp.js';

export { expect } from '@playwright/test';
export { CredentialsPage, type CredentialStatus } from './credentials-page.js';
export { durationMs, isoDuration, type Duration } from './duration.js';
export { PlatformApiError } from './platform.js';
export type { EventCredential, EventData, EventDataOf, WebhookEvent } from './receiver.js';
export type { PrivateKeyInput, TokenRequest, TokenResponse } from './tokens.js';
export { totp } from './totp.js';

/** The worker's throwaway organization: its OAuth client and its one admin (with an authenticator app). */
export interface Tenant {
  id: string;
  name: string;
  clientId: string;
  admin: { email: string; password: string; totpSecret: string };
}

export interface Clock {
  /** The tenant's time now. */
  now(): Promise<Date>;
  /**
   * Moves the tenant's clock forward ('30d', 'PT2H', or milliseconds) and returns its new time. It returns
   * once every server instance uses the new time and the expiring and expired events due in between are
   * queued; `adminPage`'s browser clock follows.
   */
  advance(by: Duration): Promise<Date>;
}

export interface Tokens {
  /** Asks the token endpoint for an access token with a secret, or with a client assertion signed by `privateKey`. */
  get(request: TokenRequest): Promise<TokenResponse>;
}

export interface Webhooks {
  /** The receiver's URL, registered as the tenant's endpoint (all events). */
  url: string;
  /**
   * The first verified event of `type` that arrived during this test and that `predicate` accepts, waiting up
   * to `timeout` ms (10 s by default) for it.
   */
  waitFor<Type extends string>(
    type: Type,
    predicate?: (event: WebhookEvent<EventDataOf<Type>>) => boolean,
    options?: { timeout?: number },
  ): Promise<WebhookEvent<EventDataOf<Type>>>;
  /** The verified events that arrived during this test, oldest first. */
  events(): WebhookEvent[];
}

export interface WebhookReceiverOptions {
  /** The address the receiver listens on (127.0.0.1). */
  host?: string;
  /** 0 (the default) for any free port; otherwise each worker listens on this port plus its parallel index. */
  port?: number;
  /**
   * The URL the portal delivers to, from the port the receiver got (`http://127.0.0.1:<port>/hooks`). Plain
   * http on loopback is accepted only by a portal run with OAUTH_ALLOW_LOOPBACK_HTTP=1, as test runs are;
   * point this at a tunnel to reach a portal elsewhere.
   */
  publicUrl?: (port: number) => string;
}

export interface KitOptions {
  /** The portal's address; PORTAL_URL by default. */
  portalUrl: string | undefined;
  /** The portal's PLATFORM_API_TOKEN; PORTAL_PLATFORM_TOKEN by default. */
  portalPlatformToken: string | undefined;
  /** Minutes after which the portal deletes a tenant the suite did not (a crashed run): 60 by default. */
  tenantTtlMinutes: number;
  webhookReceiver: WebhookReceiverOptions;
}

interface KitWorker {
  portalUrl: string;
  api: PlatformApi;
  tenant: Tenant;
  /** The tenant clock's time as last read or set, or null when the portal gave the tenant no clock. */
  clockNow: Date | null;
  /**
   * The admin's session, issued with the tenant (or kept after a sign-in through the page, on a portal that
   * does not issue one), given to every test's context.
   */
  cookies: Parameters<BrowserContext['addCookies']>[0] | null;
  totpSteps: TotpSteps;
  /**
   * tenantMs: the platform API's answer; waitedMs: how long the first fixture that needed the tenant waited
   * for it (it is made while the browser launches); signInMs: from there to the admin's page signed in.
   */
  timings: { tenantMs: number; waitedMs: number | null; signInMs: number | null };
}

interface KitReceiver {
  receiver: WebhookReceiver;
  url: string;
  registered: boolean;
}

export interface KitTestFixtures {
  adminPage: Page;
  credentialsPage: CredentialsPage;
  clock: Clock;
  webhooks: Webhooks;
  /** Called with the tenant clock's new time after each advance (adminPage's browser clock follows it). */
  _clockFollowers: ((now: Date) => Promise<void>)[];
}

export interface KitWorkerFixtures extends KitOptions {
  tenant: Tenant;
  tokens: Tokens;
  totp: typeof totp;
  _kitStarted: Promise<KitWorker>;
  _kit: KitWorker;
  _receiver: KitReceiver;
}

function required(value: string | undefined, option: string, variable: string): string {
  if (!value) {
    throw new Error(
      `@credentials-console/testing needs the portal's ${option}: set ${variable} or the ${option} option.`,
    );
  }
  return value;
}

/** Gives the test `ms` more (a timeout of 0 means none, and stays so). */
function extendTimeout(testInfo: TestInfo, ms: number) {
  if (testInfo.timeout > 0) testInfo.setTimeout(testInfo.timeout + ms);
}

/** Adds the endpoint on Development › Webhooks and returns its signing secret, shown there once. */
async function registerEndpoint(page: Page, url: string): Promise<string> {
  const portal = page.getByRole('navigation', { name: 'Portal' });
  await portal.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const form = page.getByRole('dialog', { name: 'Add endpoint' });
  await form.getByRole('textbox', { name: 'Endpoint URL' }).fill(url);
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  const added = page.getByRole('dialog', { name: 'Endpoint added' });
  const shown = added.getByTestId('signing-secret');
  await base.expect(shown).toHaveText(/^whsec_/);
  const secret = (await shown.textContent())!.trim();
  await added.getByRole('button', { name: 'Close' }).click();
  await base.expect(added).toBeHidden();
  await portal.getByRole('link', { name: 'Credentials' }).click();
  await base.expect(page.getByRole('heading', { level: 1, name: 'Credentials' })).toBeVisible();
  return secret;
}

/** Makes the worker's tenant, with its admin's session, and times it. */
async function makeTenant(api: PlatformApi, url: string, ttlMinutes: number, worker: number): Promise<KitWorker> {
  const started = performance.now();
  const created = await api.createTenant({
    name: `Playwright worker ${worker} ${randomBytes(4).toString('hex')}`,
    ttlMinutes,
    testClock: true,
  });
  const tenantMs = performance.now() - started;
  if (!created.admin.totp) throw new Error('The portal made the tenant without an authenticator app.');
  const issued = created.admin.session?.cookie;
  return {
    portalUrl: url,
    api,
    tenant: {
      id: created.organizationId,
      name: created.name,
      clientId: created.clientId,
      admin: { email: created.admin.email, password: created.admin.password, totpSecret: created.admin.totp.secret },
    },
    clockNow: created.testClock ? new Date(created.testClock.now) : null,
    // Set by URL rather than domain and path, so the browser scopes it exactly as if the portal had set it.
    cookies: issued
      ? [
          {
            name: issued.name,
            value: issued.value,
            url,
            httpOnly: issued.httpOnly,
            secure: issued.secure,
            sameSite: issued.sameSite,
            expires: issued.expires,
          },
        ]
      : null,
    totpSteps: new TotpSteps(),
    timings: { tenantMs, waitedMs: null, signInMs: null },
  };
}

export const test = base.extend<KitTestFixtures, KitWorkerFixtures>({
  portalUrl: [undefined, { option: true, scope: 'worker' }],
  portalPlatformToken: [undefined, { option: true, scope: 'worker' }],
  tenantTtlMinutes: [60, { option: true, scope: 'worker' }],
  webhookReceiver: [{}, { option: true, scope: 'worker' }],

  _kitStarted: [
    async ({ portalUrl, portalPlatformToken, tenantTtlMinutes }, use, workerInfo) => {
      const url = required(portalUrl ?? process.env.PORTAL_URL, 'portalUrl', 'PORTAL_URL').replace(/\/+$/, '');
      const api = new PlatformApi(
        url,
        required(
          portalPlatformToken ?? process.env.PORTAL_PLATFORM_TOKEN,
          'portalPlatformToken',
          'PORTAL_PLATFORM_TOKEN',
        ),
      );
      // Not awaited here: fixtures that list this one before `page` have the tenant made while Playwright
      // launches the browser, and wait for it (through `_kit`) only once the browser is up.
      const kit = makeTenant(api, url, tenantTtlMinutes, workerInfo.parallelIndex);
      kit.catch(() => {}); // reported where it is awaited
      await use(kit);
      const made = await kit.catch(() => null);
      if (made) await api.deleteTenant(made.tenant.id);
    },
    { scope: 'worker' },
  ],

  _kit: [
    async ({ _kitStarted }, use) => {
      const waitStarted = performance.now();
      const kit = await _kitStarted;
      kit.timings.waitedMs ??= performance.now() - waitStarted;
      await use(kit);
    },
    { scope: 'worker' },
  ],

  tenant: [async ({ _kit }, use) => use(_kit.tenant), { scope: 'worker' }],

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  totp: [async ({}, use) => use(totp), { scope: 'worker' }],

  tokens: [
    async ({ _kit }, use) => {
      const client = new TokenClient(_kit.portalUrl, _kit.tenant.clientId);
      await use({ get: (request) => client.get(request) });
    },
    { scope: 'worker' },
  ],

  // biome-ignore lint/correctness/noEmptyPattern: Playwright reads a fixture's dependencies from this pattern.
  _clockFollowers: async ({}, use) => use([]),

  // `_kitStarted` before `page`: the tenant is made while Playwright launches the browser.
  adminPage: async ({ _kitStarted, page, _kit, _clockFollowers }, use, testInfo) => {
    void _kitStarted;
    await confirmIdentityWhenAsked(page, _kit.tenant.admin.password);
    // The page's Date runs from the tenant's time, so what the page works out in the browser (relative times
    // such as "Expires in 2 days", a date some days ahead) agrees with the server after the clock moved.
    if (_kit.clockNow) await page.clock.setSystemTime(_kit.clockNow);
    _clockFollowers.push((now) => page.clock.setSystemTime(now));

    const credentials = new URL('/credentials', _kit.portalUrl).href;
    let signInMs = 0;
    let firstPageMs = 0;
    if (_kit.cookies) {
      const started = performance.now();
      await page.context().addCookies(_kit.cookies);
      signInMs = performance.now() - started;
      await page.goto(credentials);
      firstPageMs = performance.now() - started - signInMs;
    }
    // No session from the portal (one that predates issuing it), or it ended (a test signed out): sign in
    // through the page, and keep that session for the worker's later tests.
    if (new URL(page.url()).pathname !== '/credentials') {
      const started = performance.now();
      await signIn(page, _kit.portalUrl, _kit.tenant.admin, _kit.totpSteps);
      _kit.cookies = (await page.context().storageState()).cookies;
      // A sign-in is set-up, not the work of the test that happens to need it.
      extendTimeout(testInfo, performance.now() - started);
      signInMs += performance.now() - started;
    }
    // The worker's first test reports its set-up: what waiting for the tenant and signing its admin in added
    // to the browser Playwright launched anyway, and the first page for comparison.
    if (_kit.timings.signInMs === null) {
      _kit.timings.signInMs = signInMs;
      const { tenantMs, waitedMs } = _kit.timings;
      testInfo.annotations.push({
        type: 'credentials-console: worker setup',
        description:
          `tenant ${_kit.tenant.id} created in ${Math.round(tenantMs)} ms (waited ${Math.round(waitedMs ?? 0)} ms ` +
          `after the browser), admin signed in in ${Math.round(signInMs)} ms, first page in ` +
          `${Math.round(firstPageMs)} ms (worker ${testInfo.parallelIndex})`,
      });
    }
    await use(page);
  },

  credentialsPage: async ({ adminPage, _kit }, use) => {
    await use(new CredentialsPage(adminPage, _kit.portalUrl));
  },

  clock: async ({ _kit, _clockFollowers }, use) => {
    const tenantId = _kit.tenant.id;
    const withClock = () => {
      if (!_kit.clockNow) {
        throw new Error(
          `The portal at ${_kit.portalUrl} gave the tenant no test clock: it predates per-tenant test clocks.`,
        );
      }
    };
    await use({
      async now() {
        withClock();
        _kit.clockNow = await _kit.api.clockNow(tenantId);
        return _kit.clockNow;
      },
      async advance(by) {
        withClock();
        _kit.clockNow = await _kit.api.advanceClock(tenantId, by);
        for (const follow of _clockFollowers) await follow(_kit.clockNow);
        return _kit.clockNow;
      },
    });
  },

  _receiver: [
    async ({ webhookReceiver }, use, workerInfo) => {
      const {
        host = '127.0.0.1',
        port = 0,
        publicUrl = (bound) => `http://127.0.0.1:${bound}/hooks`,
      } = webhookReceiver;
      const receiver = await WebhookReceiver.start({ host, port: port ? port + workerInfo.parallelIndex : 0 });
      await use({ receiver, url: publicUrl(receiver.port), registered: false });
      await receiver.stop();
    },
    { scope: 'worker' },
  ],

  webhooks: async ({ _receiver, adminPage }, use, testInfo) => {
    if (!_receiver.registered) {
      const started = performance.now();
      _receiver.receiver.useSigningSecret(await registerEndpoint(adminPage, _receiver.url));
      _receiver.registered = true;
      extendTimeout(testInfo, performance.now() - started);
    }
    const { receiver } = _receiver;
    const from = receiver.count;
    await use({
      url: _receiver.url,
      waitFor: (type, predicate, options) =>
        receiver.waitFor(type, predicate, { from, timeout: options?.timeout ?? 10_000 }),
      events: () => receiver.all().slice(from),
    });
  },
});
