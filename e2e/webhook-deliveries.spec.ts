import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { Webhook } from 'standardwebhooks';
import { startSmtpSink } from '../tests/helpers/smtp-sink';
import { deleteTenant, addSecret, createTenant, previewOf, rowOf, signIn, thisServer } from './helpers';

// What a customer's receiver and an admin's mailbox get: an admin adds an endpoint on Development › Webhooks,
// and a receiver in this process verifies each message with the `standardwebhooks` package as a customer
// would. Mail arrives at an SMTP server in this process, on the port of the e2e server's SMTP_URL.

interface Message {
  /** When it arrived, by this process's clock. */
  at: number;
  type: string;
  body: string;
  headers: Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string>;
}

interface Payload {
  type: string;
  timestamp: string;
  data: Record<string, unknown> & { credential?: Record<string, unknown> };
}

/** A customer's receiver on a free port: keeps every message and answers with `status(message)` (200 by default). */
async function startReceiver(status: (message: Message, earlier: Message[]) => number = () => 200) {
  const messages: Message[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = (name: string) => String(request.headers[name] ?? '');
      const message: Message = {
        at: Date.now(),
        type: (JSON.parse(body) as { type: string }).type,
        body,
        headers: {
          'webhook-id': header('webhook-id'),
          'webhook-timestamp': header('webhook-timestamp'),
          'webhook-signature': header('webhook-signature'),
        },
      };
      response.statusCode = status(message, [...messages]);
      messages.push(message);
      response.end(response.statusCode < 300 ? 'received' : 'try again');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    /** The messages of one type, once there are `count` of them (or the wait times out). */
    async received(type: string, count = 1, timeout = 15_000): Promise<Message[]> {
      await expect
        .poll(() => messages.filter((message) => message.type === type).length, { timeout })
        .toBeGreaterThanOrEqual(count);
      return messages.filter((message) => message.type === type);
    },
    all: messages,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Exactly what a customer's receiver does: throws unless a signature made with `secret` matches. */
function verify(secret: string, message: Message): Payload {
  return new Webhook(secret).verify(message.body, message.headers) as Payload;
}

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
const cleanups: (() => unknown)[] = [];

test.beforeAll(async () => {
  sink = await startSmtpSink({ port: thisServer().smtpPort });
});

test.afterAll(async () => {
  await sink?.stop();
});

test.afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** An organization of this test's own (so its events are only this test's), its admin signed in. */
async function signedInTenant(page: Page) {
  const tenant = createTenant('Webhook deliveries');
  cleanups.push(() => deleteTenant(tenant.organizationId));
  await signIn(page, tenant.admin.email, tenant.admin.password);
  return tenant;
}

async function newReceiver(...args: Parameters<typeof startReceiver>) {
  const receiver = await startReceiver(...args);
  cleanups.push(receiver.stop);
  return receiver;
}

/** A new secret on the Credentials page, activated from its row's menu (a new secret starts inactive). */
async function addActiveSecret(page: Page): Promise<string> {
  const value = await addSecret(page);
  await secretMenu(page, value);
  await page.getByRole('menuitem', { name: 'Activate' }).click();
  await expect(rowOf(page, value)).toContainText('Active');
  return value;
}

async function secretMenu(page: Page, value: string) {
  await rowOf(page, value)
    .getByRole('button', { name: `Actions for secret ${previewOf(value)}` })
    .click();
}

function endpointRow(page: Page, url: string) {
  return page.getByTestId('webhook-endpoint').filter({ hasText: url });
}

/** Adds an endpoint (all events) on the Webhooks page; returns its signing secret, read from the clipboard. */
async function addEndpoint(page: Page, url: string): Promise<string> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Webhooks' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  const form = page.getByRole('dialog', { name: 'Add endpoint' });
  await form.getByLabel('Endpoint URL').fill(url);
  await form.getByRole('button', { name: 'Add endpoint' }).click();
  const shown = page.getByRole('dialog', { name: 'Endpoint added' });
  await expect(shown.getByTestId('signing-secret')).toHaveText(/^whsec_/);
  await shown.getByRole('button', { name: 'Copy' }).click();
  await expect(shown.getByRole('status').filter({ hasText: 'Copied' })).toBeVisible();
  const secret = await page.evaluate(() => navigator.clipboard.readText());
  await expect(shown.getByTestId('signing-secret')).toHaveText(secret);
  await shown.getByRole('button', { name: 'Close' }).click();
  await expect(endpointRow(page, url)).toContainText('Enabled');
  return secret;
}

async function sendTestEvent(page: Page, url: string) {
  await endpointRow(page, url)
    .getByRole('button', { name: `Actions for endpoint ${url}` })
    .click();
  await page.getByRole('menuitem', { name: 'Send test event' }).click();
  await expect(page.getByText(`Test event sent to ${url}.`)).toBeVisible();
}

/** The endpoint's page, reloaded until its newest delivery of `type` shows `state`. */
async function deliveryOnEndpointPage(page: Page, url: string, type: string, state: string) {
  await endpointRow(page, url).getByRole('link', { name: url }).click();
  await expect(page.getByRole('heading', { level: 1, name: url })).toBeVisible();
  const delivery = page.getByTestId('webhook-delivery').filter({ hasText: type }).first();
  await expect(async () => {
    await page.reload();
    await expect(delivery).toContainText(state, { timeout: 1_000 });
  }).toPass({ timeout: 10_000 });
  return delivery;
}

test('a receiver verifies the test event sent to an endpoint added on the page, and the delivery is listed', async ({
  page,
}) => {
  await signedInTenant(page);
  const receiver = await newReceiver();
  const secret = await addEndpoint(page, receiver.url);

  await sendTestEvent(page, receiver.url);
  const [message] = await receiver.received('webhook.test');
  const payload = verify(secret, message!);
  expect(payload.type).toBe('webhook.test');
  expect(payload.data.test).toBe(true);

  const delivery = await deliveryOnEndpointPage(page, receiver.url, 'webhook.test', 'Succeeded');
  const cells = delivery.getByRole('cell');
  await expect(cells.nth(1)).toHaveText('1'); // attempts
  await expect(cells.nth(2)).toHaveText('200'); // status code
  await expect(delivery).toContainText('received');
});

test('a secret reported leaked is sent as credential.leaked, signed and without its value, and mailed to the admin', async ({
  page,
  request,
}) => {
  const tenant = await signedInTenant(page);
  const value = await addActiveSecret(page);
  const href = await rowOf(page, value).getByRole('link', { name: 'Secret 1' }).getAttribute('href');
  const credentialId = href!.split('/').pop();
  const receiver = await newReceiver();
  const secret = await addEndpoint(page, receiver.url);

  const report = await request.post('/api/secrets/revoke', { data: { secrets: [value] } });
  expect(report.status()).toBe(202);

  const [message] = await receiver.received('credential.leaked');
  const payload = verify(secret, message!);
  expect(payload.data.organization_id).toBe(tenant.organizationId);
  expect(payload.data.credential).toMatchObject({
    id: credentialId,
    name: 'Secret 1',
    kind: 'secret',
    preview: previewOf(value),
    status: 'disabled',
  });
  expect(message!.body).not.toContain(value);
  expect(message!.body).not.toContain(value.slice(-12));

  // The admin's mail tells about the same event, and holds no more of the secret than the page shows.
  await expect
    .poll(() => sink.received.filter((sent) => sent.to.includes(tenant.admin.email)).map((sent) => sent.subject))
    .toContain('Secret 1 was reported leaked and has been deactivated');
  const leaked = sink.received.find(
    (sent) => sent.to.includes(tenant.admin.email) && sent.subject.includes('reported leaked'),
  )!;
  expect(leaked.eventId).toBe(message!.headers['webhook-id']);
  expect(leaked.text).toContain('Secret 1');
  for (const part of [leaked.text, leaked.html]) {
    expect(part).not.toContain(value);
    expect(part).not.toContain(value.slice(-12));
  }
});

test('a receiver that answers 500 gets the same message again about 5 s later, signed again', async ({ page }) => {
  // The first retry of the real schedule is 5 s away.
  test.slow();
  await signedInTenant(page);
  const receiver = await newReceiver((message, earlier) =>
    message.type === 'webhook.test' && !earlier.some((seen) => seen.type === 'webhook.test') ? 500 : 200,
  );
  const secret = await addEndpoint(page, receiver.url);

  await sendTestEvent(page, receiver.url);
  const [first, second] = await receiver.received('webhook.test', 2, 20_000);
  expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
  expect(second!.body).toBe(first!.body);
  const gap = second!.at - first!.at;
  expect(gap).toBeGreaterThanOrEqual(4_000);
  expect(gap).toBeLessThanOrEqual(10_000);
  expect(verify(secret, first!).type).toBe('webhook.test');
  expect(verify(secret, second!).type).toBe('webhook.test');

  const delivery = await deliveryOnEndpointPage(page, receiver.url, 'webhook.test', 'Succeeded');
  await expect(delivery.getByRole('cell').nth(1)).toHaveText('2');
  await expect(delivery.getByRole('cell').nth(2)).toHaveText('200');
});

test.describe('on the test clock', () => {
  async function moveServerClock(request: APIRequestContext, offsetSeconds: number) {
    expect((await request.post('/api/test-clock', { data: { offsetSeconds } })).ok()).toBe(true);
  }

  test.afterEach(async ({ request }) => {
    await moveServerClock(request, 0);
  });

  test('a secret crossing the 14- and 7-day thresholds before its expiry is sent credential.expiring once each', async ({
    page,
    request,
  }) => {
    // It waits for three of the leader's looks, 5 s apart: one per threshold and one that must find nothing new.
    test.slow();
    await signedInTenant(page);
    const value = await addActiveSecret(page);
    const receiver = await newReceiver();
    const secret = await addEndpoint(page, receiver.url);

    await page.getByRole('navigation', { name: 'Portal' }).getByRole('link', { name: 'Credentials' }).click();
    await secretMenu(page, value);
    await page.getByRole('menuitem', { name: 'Set expiry' }).click();
    const dialog = page.getByRole('dialog', { name: 'Set expiry' });
    await dialog.getByLabel('On a date').check();
    await dialog.getByLabel('Expiry date').fill(new Date(Date.now() + 10 * 86_400_000).toLocaleDateString('en-CA'));
    await dialog.getByRole('button', { name: 'Save expiry' }).click();
    await expect(dialog).toBeHidden();
    await expect(rowOf(page, value)).toContainText(/Expires in (9|10|11) days/);

    const days = async (count: number) =>
      (await receiver.received('credential.expiring', count)).map((message) => verify(secret, message).data.days);
    expect(await days(1)).toEqual([14]);

    // Four days later the expiry is under a week away.
    await moveServerClock(request, 4 * 86_400);
    expect(await days(2)).toEqual([14, 7]);
    const [fourteen, seven] = await receiver.received('credential.expiring', 2);
    expect(verify(secret, seven!).data.credential).toMatchObject({ name: 'Secret 1', preview: previewOf(value) });
    expect(seven!.headers['webhook-id']).not.toBe(fourteen!.headers['webhook-id']);

    // The leader looks every 2 s: a later look finds both thresholds already recorded.
    await page.waitForTimeout(2_500);
    expect(receiver.all.filter((message) => message.type === 'credential.expiring')).toHaveLength(2);
  });
});
