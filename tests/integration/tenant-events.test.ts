// Event triggers: a sample of a catalogue event, marked as a test, delivered to a tenant's webhook endpoints
// along the path of a real event, and verified as a customer's receiver verifies it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { jobQueue, stopJobQueue } from '@/lib/db/job-queue';
import { seal } from '@/lib/crypto/sealed';
import { newSigningSecret } from '@/lib/events/signing';
import { EVENT_TYPES, payloadSchema, type EventType } from '@/lib/events/catalogue';
import { createTenant, triggerTenantEvent } from '@/lib/data/tenants';
import { startEventWork } from '@/lib/jobs/webhook-delivery';
import { organizationWithAdmin } from '../helpers/fixtures';

process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

async function receiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

async function addEndpoint(organizationId: string, url: string, eventTypes: string[] = []) {
  const id = randomUUID();
  const secret = newSigningSecret();
  await prisma.webhookEndpoint.create({
    data: { id, organizationId, url, eventTypes, secretSealed: seal(`webhook-endpoint:${id}`, Buffer.from(secret)) },
  });
  return { id, secret };
}

let stopEventWork: () => Promise<void>;
beforeAll(async () => {
  stopEventWork = await startEventWork(await jobQueue());
});
afterAll(async () => {
  await stopEventWork();
  await stopJobQueue();
});

describe('event triggers', () => {
  it('deliver a signed sample of each catalogue type with data.test true to the endpoints that take it, and mail nobody', async () => {
    const created = await createTenant({ name: 'Suite triggers' });
    if (!created.ok) throw new Error(created.message);
    const { organizationId } = created.tenant;
    const all = await receiver();
    const leaksOnly = await receiver();
    const everything = await addEndpoint(organizationId, all.url);
    const leaks = await addEndpoint(organizationId, leaksOnly.url, ['credential.leaked']);
    try {
      const ids = new Map<string, EventType>();
      for (const type of EVENT_TYPES) {
        const result = await triggerTenantEvent({ organizationId, type });
        if (!result.ok) throw new Error(result.message);
        expect(result.type).toBe(type);
        ids.set(result.eventId, type);
      }
      await expect.poll(() => all.received.length, { timeout: 15_000, interval: 50 }).toBe(EVENT_TYPES.length);
      await expect.poll(() => leaksOnly.received.length, { timeout: 15_000, interval: 50 }).toBe(1);

      const ajv = new Ajv2020({ strict: false, allErrors: true });
      addFormats.default(ajv);
      for (const message of all.received) {
        const payload = new Webhook(everything.secret).verify(
          message.body,
          message.headers as Record<string, string>,
        ) as { type: EventType; data: Record<string, unknown> };
        expect(ids.get(String(message.headers['webhook-id']))).toBe(payload.type);
        expect(payload.data).toMatchObject({ organization_id: organizationId, test: true });
        expect(ajv.validate(payloadSchema(payload.type), payload), JSON.stringify(ajv.errors)).toBe(true);
      }
      const leak = new Webhook(leaks.secret).verify(
        leaksOnly.received[0]!.body,
        leaksOnly.received[0]!.headers as Record<string, string>,
      ) as { type: string };
      expect(leak.type).toBe('credential.leaked');
      // Samples go to endpoints only: stored as tests and already handed on, so the dispatcher (which mails
      // admins) never takes them.
      const stored = await prisma.event.findMany({ where: { id: { in: [...ids.keys()] } } });
      expect(stored).toHaveLength(EVENT_TYPES.length);
      expect(stored.every((event) => event.test && event.dispatchedAt !== null)).toBe(true);
    } finally {
      all.server.close();
      leaksOnly.server.close();
    }
  });

  it("blocks an unknown type (listing the catalogue), a customer's organization and an unknown id, sending nothing", async () => {
    const created = await createTenant({ name: 'Suite triggers refused' });
    if (!created.ok) throw new Error(created.message);
    const customer = await organizationWithAdmin();
    const before = await prisma.event.count();
    expect(
      await triggerTenantEvent({ organizationId: created.tenant.organizationId, type: 'credential.stolen' }),
    ).toMatchObject({
      ok: false,
      code: 'invalid_input',
      field: 'type',
      message: expect.stringContaining('credential.leaked'),
    });
    expect(await triggerTenantEvent({ organizationId: created.tenant.organizationId, type: 42 })).toMatchObject({
      code: 'invalid_input',
    });
    for (const organizationId of [customer.org.id, randomUUID()])
      expect(await triggerTenantEvent({ organizationId, type: 'credential.leaked' })).toMatchObject({
        ok: false,
        code: 'not_found',
      });
    expect(await prisma.event.count()).toBe(before);
  });
});
