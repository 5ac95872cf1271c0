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
import { isEventType, payloadOf, payloadSchema } from '@/lib/events/catalogue';
import { applyCredentialChange } from '@/lib/data/credential-change';
import { activateCredential, setCredentialExpiry, setCredentialScopes } from '@/lib/data/credential-commands';
import { createSecret } from '@/lib/data/secret-commands';
import { reportLeakedSecrets } from '@/lib/data/leak-reports';
import { recordEvents, recordExpiringEvents } from '@/lib/data/events';
import { listDeliveries, recordAttempts, resendDelivery, sendTestEvent } from '@/lib/data/webhook-deliveries';
import { writeUsageBatch } from '@/lib/data/credential-usage';
import { startEventWork } from '@/lib/jobs/webhook-delivery';
import { organizationWithAdmin } from '../helpers/fixtures';

// Attempts follow a short schedule here; the real one (5 s, 5 min, …) is Svix's.
process.env.WEBHOOK_RETRY_SCHEDULE = '1s,1s';
process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A customer's receiver: answers each request with the next planned status (then 200), keeps what came. */
async function receiver(plan: number[] = []) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = plan.shift() ?? 200;
      res.writeHead(status, status === 302 ? { Location: 'http://127.0.0.1:1/' } : {});
      res.end(status === 200 ? 'ok' : `answer ${status} ${'x'.repeat(2000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return { server, url, received };
}

async function addEndpoint(organizationId: string, url: string, eventTypes: string[] = []) {
  const id = randomUUID();
  const secret = newSigningSecret();
  await prisma.webhookEndpoint.create({
    data: { id, organizationId, url, eventTypes, secretSealed: seal(`webhook-endpoint:${id}`, Buffer.from(secret)) },
  });
  return { id, secret };
}

async function until<T>(read: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const verified = (secret: string, message: Received) =>
  new Webhook(secret).verify(message.body, message.headers as Record<string, string>) as {
    type: string;
    timestamp: string;
    data: Record<string, unknown>;
  };

let stopDispatcher: () => Promise<void>;
beforeAll(async () => {
  stopDispatcher = await startEventWork(await jobQueue());
});
afterAll(async () => {
  await stopDispatcher();
  await stopJobQueue();
});

describe('the outbox', () => {
  it('writes a change’s event in its transaction: a committed change has it, a rolled-back one has none', async () => {
    const acme = await organizationWithAdmin();
    const created = await createSecret({ actor: acme.actor });
    if (!created.ok) throw new Error(created.message);
    const id = created.secret.id;

    await expect(
      applyCredentialChange({
        credentialId: id,
        action: 'activate',
        data: { status: 'ACTIVE', activatedAt: new Date() },
        event: { actor: acme.actor, action: 'activated' },
        after: async () => {
          throw new Error('the change fails after its UPDATE and audit row');
        },
      }),
    ).rejects.toThrow(/fails after/);
    const types = async () =>
      (await prisma.event.findMany({ where: { organizationId: acme.org.id }, orderBy: { createdAt: 'asc' } })).map(
        (event) => event.type,
      );
    expect(await types()).toEqual(['credential.created']);

    await activateCredential({ actor: acme.actor, credentialId: id });
    expect(await types()).toEqual(['credential.created', 'credential.activated']);
    const activated = await prisma.event.findFirstOrThrow({
      where: { organizationId: acme.org.id, type: 'credential.activated' },
    });
    expect(activated.data).toMatchObject({
      organization_id: acme.org.id,
      actor: { type: 'user', name: acme.actor.name },
      credential: { id, name: 'Secret 1', kind: 'secret', status: 'active', scopes: ['sdk', 'api'], expires_at: null },
    });
    // Never the secret's value or its hash.
    expect(JSON.stringify(activated.data)).not.toContain(created.plaintext);
    expect(JSON.stringify(activated.data)).not.toMatch(/[0-9a-f]{64}/);
  });

  it('describes what changed: the previous scopes', async () => {
    const acme = await organizationWithAdmin();
    const { id } = await acme.secret();
    await setCredentialScopes({ actor: acme.actor, credentialId: id, scopes: ['sdk'] });
    const event = await prisma.event.findFirstOrThrow({
      where: { organizationId: acme.org.id, type: 'credential.scopes_changed' },
    });
    expect(event.data).toMatchObject({ previous_scopes: ['sdk', 'api'], credential: { scopes: ['sdk'] } });
  });
});

describe('deliveries', () => {
  it('signs each event so that a Standard Webhooks receiver verifies it', async () => {
    const acme = await organizationWithAdmin();
    const hook = await receiver();
    const endpoint = await addEndpoint(acme.org.id, hook.url);
    const { id } = await acme.secret();

    const messages = await until(async () => hook.received.length >= 2 && hook.received);
    const payloads = messages.map((message) => verified(endpoint.secret, message));
    expect(payloads.map((p) => p.type).sort()).toEqual(['credential.activated', 'credential.created']);
    expect(payloads[0]!.data).toMatchObject({ organization_id: acme.org.id, credential: { id } });
    expect(messages[0]!.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(() =>
      new Webhook(newSigningSecret()).verify(messages[0]!.body, messages[0]!.headers as Record<string, string>),
    ).toThrow();
    hook.server.close();
  });

  it('sends an endpoint only the types it takes', async () => {
    const acme = await organizationWithAdmin();
    const hook = await receiver();
    const endpoint = await addEndpoint(acme.org.id, hook.url, ['credential.activated']);
    await acme.secret();
    await until(async () => hook.received.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(hook.received.map((m) => verified(endpoint.secret, m).type)).toEqual(['credential.activated']);
    hook.server.close();
  });

  it('tries again after a failure with the same webhook-id, and counts 3xx as a failure', async () => {
    const acme = await organizationWithAdmin();
    const hook = await receiver([500, 302]);
    const endpoint = await addEndpoint(acme.org.id, hook.url, ['credential.created']);
    await createSecret({ actor: acme.actor });

    const messages = await until(async () => hook.received.length >= 3 && hook.received);
    const ids = new Set(messages.map((m) => m.headers['webhook-id']));
    expect(ids.size).toBe(1);
    for (const message of messages) expect(verified(endpoint.secret, message).type).toBe('credential.created');
    const [delivery] = await until(async () => {
      const list = await listDeliveries({ organizationId: acme.org.id, endpointId: endpoint.id });
      return list[0]?.status === 'succeeded' && list;
    });
    expect(delivery).toMatchObject({
      attempts: 3,
      eventType: 'credential.created',
      lastAttempt: { attempt: 3, statusCode: 200 },
    });
    const attempts = await prisma.webhookAttempt.findMany({
      where: { deliveryId: delivery!.id },
      orderBy: { attempt: 'asc' },
    });
    expect(attempts.map((a) => a.statusCode)).toEqual([500, 302, 200]);
    expect(attempts[0]!.responseBody!.length).toBeLessThanOrEqual(1024);
    expect(attempts[0]!.responseBody).toMatch(/^answer 500 x+/);
    hook.server.close();
  });

  it('gives up after the last scheduled attempt, and Resend sends the same message again', async () => {
    const acme = await organizationWithAdmin();
    const hook = await receiver([500, 500, 500]);
    const endpoint = await addEndpoint(acme.org.id, hook.url, ['credential.created']);
    await createSecret({ actor: acme.actor });
    const [failed] = await until(async () => {
      const list = await listDeliveries({ organizationId: acme.org.id, endpointId: endpoint.id });
      return list[0]?.status === 'failed' && list;
    });
    expect(failed!.attempts).toBe(3);
    expect(
      await resendDelivery({ organizationId: (await organizationWithAdmin()).org.id, deliveryId: failed!.id }),
    ).toBe(false);
    expect(await resendDelivery({ organizationId: acme.org.id, deliveryId: failed!.id })).toBe(true);
    await until(async () => hook.received.length >= 4);
    expect(new Set(hook.received.map((m) => m.headers['webhook-id'])).size).toBe(1);
    const [resent] = await until(async () => {
      const list = await listDeliveries({ organizationId: acme.org.id, endpointId: endpoint.id });
      return list[0]?.status === 'succeeded' && list;
    });
    expect(resent!.attempts).toBe(4);
    hook.server.close();
  });

  it('Resend sends at once, even while the next attempt is scheduled for an hour later', async () => {
    process.env.WEBHOOK_RETRY_SCHEDULE = '1h';
    try {
      const acme = await organizationWithAdmin();
      const hook = await receiver([500]);
      const endpoint = await addEndpoint(acme.org.id, hook.url, ['credential.created']);
      await createSecret({ actor: acme.actor });
      const [waiting] = await until(async () => {
        const list = await listDeliveries({ organizationId: acme.org.id, endpointId: endpoint.id });
        return list[0]?.attempts === 1 && list;
      });
      expect(waiting!.status).toBe('pending');
      expect(waiting!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
      expect(await resendDelivery({ organizationId: acme.org.id, deliveryId: waiting!.id })).toBe(true);
      const [resent] = await until(async () => {
        const list = await listDeliveries({ organizationId: acme.org.id, endpointId: endpoint.id });
        return list[0]?.status === 'succeeded' && list;
      }, 10_000);
      expect(resent!.attempts).toBe(2);
      expect(hook.received.map((m) => m.headers['webhook-id'])).toEqual([
        hook.received[0]!.headers['webhook-id'],
        hook.received[0]!.headers['webhook-id'],
      ]);
      hook.server.close();
    } finally {
      process.env.WEBHOOK_RETRY_SCHEDULE = '1s,1s';
    }
  });

  it('keeps delivering to other endpoints while one answers slowly', async () => {
    const acme = await organizationWithAdmin();
    const slowReceived: string[] = [];
    const slow = http.createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        setTimeout(() => {
          slowReceived.push(String(req.headers['webhook-id']));
          res.writeHead(200).end();
        }, 4_000),
      );
    });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    await addEndpoint(acme.org.id, `http://127.0.0.1:${(slow.address() as AddressInfo).port}/slow`, [
      'credential.created',
    ]);
    const fast = await receiver();
    const other = await organizationWithAdmin();
    await addEndpoint(other.org.id, fast.url, ['credential.created']);

    // More messages to the slow endpoint than an instance makes attempts at once (200).
    await recordEvents(
      prisma,
      Array.from({ length: 250 }, () => ({
        organizationId: acme.org.id,
        type: 'credential.created',
        data: {
          organization_id: acme.org.id,
          credential: {
            id: randomUUID(),
            name: 'Secret',
            kind: 'secret',
            preview: 'uqs_…abcd',
            status: 'disabled',
            scopes: ['sdk'],
            expires_at: null,
          },
        },
      })),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const started = Date.now();
    await createSecret({ actor: other.actor });
    await until(async () => fast.received.length >= 1, 3_000);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(slowReceived.length).toBeLessThan(250);
    fast.server.close();
    slow.close();
    slow.closeAllConnections();
  });

  it('refuses an endpoint on a private address when it connects, and records why', async () => {
    const acme = await organizationWithAdmin();
    const endpoint = await addEndpoint(acme.org.id, 'http://10.0.0.7/hooks', ['credential.created']);
    await createSecret({ actor: acme.actor });
    const [delivery] = await until(async () => {
      const list = await listDeliveries({ organizationId: acme.org.id, endpointId: endpoint.id });
      return list[0]?.lastAttempt && list;
    });
    expect(delivery!.lastAttempt).toMatchObject({ statusCode: null });
    expect(delivery!.lastAttempt!.error).toMatch(/https|public/i);
  });

  it('sends a test event to one endpoint, marked as a test', async () => {
    const acme = await organizationWithAdmin();
    const hook = await receiver();
    const other = await receiver();
    const endpoint = await addEndpoint(acme.org.id, hook.url);
    await addEndpoint(acme.org.id, other.url);
    expect(
      await sendTestEvent({ organizationId: (await organizationWithAdmin()).org.id, endpointId: endpoint.id }),
    ).toBeNull();
    const sent = await sendTestEvent({ organizationId: acme.org.id, endpointId: endpoint.id });
    const [message] = await until(async () => hook.received.length >= 1 && hook.received);
    expect(verified(endpoint.secret, message!)).toMatchObject({
      type: 'webhook.test',
      data: { organization_id: acme.org.id, test: true },
    });
    expect(message!.headers['webhook-id']).toBe(sent!.eventId);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(other.received).toHaveLength(0);
    hook.server.close();
    other.server.close();
  });

  it('records nothing, and fails nothing, for an attempt whose delivery was deleted while it ran', async () => {
    const acme = await organizationWithAdmin();
    const endpoint = await addEndpoint(acme.org.id, 'https://receiver.invalid/hook');
    const event = await prisma.event.create({
      data: {
        id: `evt_${randomUUID()}`,
        organizationId: acme.org.id,
        type: 'webhook.test',
        data: { organization_id: acme.org.id, test: true },
        test: true,
      },
    });
    const delivery = await prisma.webhookDelivery.create({ data: { endpointId: endpoint.id, eventId: event.id } });
    const outcome = {
      startedAt: new Date(),
      durationMs: 12,
      statusCode: 200,
      error: null,
      responseBody: null,
      succeeded: true,
      retryAfterMs: null,
    };
    const target = {
      deliveryId: delivery.id,
      attempt: 1,
      event: { id: event.id, type: event.type, data: {}, createdAt: event.createdAt },
      endpoint: {
        id: endpoint.id,
        organizationId: acme.org.id,
        url: 'https://receiver.invalid/hook',
        disabled: false,
        secrets: [],
      },
    };
    // The organization (a tenant at the end of its suite) is deleted while the attempt is under way.
    await prisma.webhookEndpoint.delete({ where: { id: endpoint.id } });
    await expect(recordAttempts([{ target, outcome }])).resolves.toBeUndefined();
    expect(await prisma.webhookAttempt.count({ where: { deliveryId: delivery.id } })).toBe(0);
  });

  it('disables an endpoint whose every attempt has failed for five days and tells its admins', async () => {
    const acme = await organizationWithAdmin();
    const hook = await receiver([500]);
    const endpoint = await addEndpoint(acme.org.id, hook.url, ['credential.created']);
    await prisma.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { failingSince: new Date(Date.now() - 5 * 86_400_000 - 60_000) },
    });
    await createSecret({ actor: acme.actor });
    const disabled = await until(async () => {
      const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      return row.disabledAt && row;
    });
    expect(disabled.disabledReason).toBe('failing');
    expect(
      await prisma.event.count({ where: { organizationId: acme.org.id, type: 'webhook.endpoint_disabled' } }),
    ).toBe(1);
    expect(
      await prisma.auditEvent.count({
        where: { organizationId: acme.org.id, action: 'webhook_endpoint_disabled_failing' },
      }),
    ).toBe(1);
    hook.server.close();
  });
});

describe('events found by jobs', () => {
  it('sends credential.expiring once per threshold, the tightest crossed, at every instance', async () => {
    const acme = await organizationWithAdmin();
    const { id } = await acme.secret();
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 10 * 86_400_000);
    await setCredentialExpiry({ actor: acme.actor, credentialId: id, expiresAt });
    const expiring = () =>
      prisma.event.findMany({
        where: { organizationId: acme.org.id, type: 'credential.expiring' },
        orderBy: { createdAt: 'asc' },
      });

    await Promise.all([recordExpiringEvents({ now }), recordExpiringEvents({ now })]);
    expect((await expiring()).map((e) => (e.data as { days: number }).days)).toEqual([14]);
    // Four days on: the 7-day threshold, once however often the job runs.
    const later = new Date(now.getTime() + 4 * 86_400_000);
    await recordExpiringEvents({ now: later });
    await recordExpiringEvents({ now: later });
    const events = await expiring();
    expect(events.map((e) => (e.data as { days: number }).days)).toEqual([14, 7]);
    expect(events[1]!.data).toMatchObject({
      stops_because: 'expiry',
      stops_at: expiresAt.toISOString(),
      credential: { id, status: 'active' },
    });
    // Just before the instant it stops: the 1-day notice; at the instant, none.
    await recordExpiringEvents({ now: new Date(expiresAt.getTime() - 1) });
    await recordExpiringEvents({ now: expiresAt });
    expect((await expiring()).map((e) => (e.data as { days: number }).days)).toEqual([14, 7, 1]);
  });

  it('finds credential.new_caller in the usage batch: a new address once, an address seen within 30 days never', async () => {
    const acme = await organizationWithAdmin();
    const { id } = await acme.secret();
    const at = Date.now();
    const caller = (address: string, firstSeen = at, userAgent = 'sdk/1') => ({
      credentialId: id,
      address,
      userAgent,
      firstSeen,
      lastSeen: firstSeen,
      count: 1,
    });
    const batch = (callers: ReturnType<typeof caller>[]) =>
      writeUsageBatch({ counts: [], callers, lastUses: [], blocked: [] });
    await batch([caller('198.51.100.1'), caller('198.51.100.1', at + 1, 'sdk/2')]);
    await batch([caller('198.51.100.1', at + 5_000)]);
    await batch([caller('198.51.100.2', at + 6_000)]);
    const events = await prisma.event.findMany({
      where: { organizationId: acme.org.id, type: 'credential.new_caller' },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => (e.data as { address: string }).address)).toEqual(['198.51.100.1', '198.51.100.2']);
    expect(events[0]!.data).toMatchObject({ user_agent: 'sdk/1', credential: { id } });
  });

  it('sends credential.leaked when a leak report deactivates a secret', async () => {
    const acme = await organizationWithAdmin();
    const { value } = await acme.secret();
    await reportLeakedSecrets({ candidates: { secrets: [value] }, address: '203.0.113.9', userAgent: 'scanner/1' });
    const leaked = await prisma.event.findFirstOrThrow({
      where: { organizationId: acme.org.id, type: 'credential.leaked' },
    });
    expect(leaked.data).toMatchObject({
      address: '203.0.113.9',
      actor: { type: 'public' },
      credential: { status: 'disabled' },
    });
  });
});

describe('the catalogue', () => {
  it('describes every payload written above: each event matches its type’s JSON Schema', async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const events = await prisma.event.findMany({ where: { type: { not: 'webhook.endpoint_disabled' } } });
    const types = new Set(events.map((event) => event.type));
    expect([...types].sort()).toEqual(
      expect.arrayContaining([
        'credential.created',
        'credential.expiring',
        'credential.leaked',
        'credential.new_caller',
        'webhook.test',
      ]),
    );
    for (const event of events) {
      expect(isEventType(event.type), event.type).toBe(true);
      const validate = ajv.compile(payloadSchema(event.type as Parameters<typeof payloadSchema>[0]));
      const payload = JSON.parse(JSON.stringify(payloadOf(event)));
      expect(validate(payload) ? [] : validate.errors, event.type).toEqual([]);
    }
    // And the schema is no rubber stamp: a payload without its credential fails.
    const validate = ajv.compile(payloadSchema('credential.activated'));
    expect(
      validate({
        type: 'credential.activated',
        timestamp: new Date().toISOString(),
        data: { organization_id: randomUUID() },
      }),
    ).toBe(false);
  });
});
