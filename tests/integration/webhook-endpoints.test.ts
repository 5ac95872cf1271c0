// Webhook endpoints through their one home, lib/data/webhook-endpoints.ts, against a real PostgreSQL: what an
// admin may add (URL rules, event types, the limit of ten, also when adds race), that the signing secret is
// stored only sealed and shown once, that a roll keeps the previous secret signing for exactly 24 hours, and
// that another organization's admin finds nothing and a viewer changes nothing.
import { afterEach, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { open } from '@/lib/crypto/sealed';
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  openSigningSecrets,
  rollSigningSecret,
  setEndpointEnabled,
  SUBSCRIBABLE_EVENT_TYPES,
  updateEndpoint,
} from '@/lib/data/webhook-endpoints';
import { listDeliveries, resendDelivery, sendTestEvent } from '@/lib/data/webhook-deliveries';
import { MAX_WEBHOOK_ENDPOINTS, PREVIOUS_SECRET_SIGNS_MS } from '@/lib/events/delivery-schedule';
import type { Actor } from '@/lib/identity/actor';
import { organizationWithAdmin } from '../helpers/fixtures';

type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;

const viewerOf = (org: Org): Actor => ({
  ...org.actor,
  membership: { ...org.actor.membership!, role: 'VIEWER' as const },
});

const URL_OK = 'https://hooks.acme.example/credentials';

async function added(org: Org, input: Partial<Parameters<typeof createEndpoint>[0]> = {}) {
  const result = await createEndpoint({ actor: org.actor, url: URL_OK, eventTypes: [], ...input });
  if (!result.ok) throw new Error(result.message);
  return result;
}

async function auditOf(org: Org) {
  return prisma.auditEvent.findMany({ where: { organizationId: org.org.id }, orderBy: { createdAt: 'asc' } });
}

async function webhookAudit(org: Org) {
  return (await auditOf(org)).filter((event) => event.action.startsWith('webhook_'));
}

const saved = process.env.OAUTH_ALLOW_LOOPBACK_HTTP;
afterEach(() => {
  if (saved === undefined) delete process.env.OAUTH_ALLOW_LOOPBACK_HTTP;
  else process.env.OAUTH_ALLOW_LOOPBACK_HTTP = saved;
});

describe('adding an endpoint', () => {
  it('returns its signing secret once and stores it only sealed, bound to the endpoint', async () => {
    const org = await organizationWithAdmin();
    const { endpoint, secret } = await added(org, { description: '  On-call alerts  ' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(endpoint).toMatchObject({
      url: URL_OK,
      description: 'On-call alerts',
      eventTypes: [],
      status: 'enabled',
      createdByName: org.actor.name,
    });

    // Neither the secret nor its key material appears anywhere in the row, only the sealed value.
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    const bytes = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const text = JSON.stringify(row);
    for (const form of [secret, secret.slice(6), bytes.toString('hex'), bytes.toString('base64url')])
      expect(text).not.toContain(form);
    expect(row.previousSecretSealed).toBeNull();
    expect(openSigningSecrets(row)).toEqual([secret]);
    // Sealed under the endpoint's id: copied onto another endpoint, it does not open.
    expect(() => open('webhook-endpoint:00000000-0000-4000-8000-000000000000', row.secretSealed)).toThrow();

    // The audit row names the URL and what it receives, never the secret.
    const [event] = await webhookAudit(org);
    expect(event).toMatchObject({
      action: 'webhook_endpoint_added',
      actorId: org.actor.userId,
      details: { endpointId: endpoint.id, url: URL_OK, eventTypes: [] },
    });
    expect(JSON.stringify(await auditOf(org))).not.toContain(secret.slice(6));
  });

  it('keeps the chosen event types, and reads every type chosen as all of them', async () => {
    const org = await organizationWithAdmin();
    const some = await added(org, { eventTypes: ['credential.leaked', 'credential.expiring', 'credential.leaked'] });
    expect(some.endpoint.eventTypes).toEqual(['credential.expiring', 'credential.leaked']);
    const every = await added(org, { eventTypes: [...SUBSCRIBABLE_EVENT_TYPES] });
    expect(every.endpoint.eventTypes).toEqual([]);
    expect(await createEndpoint({ actor: org.actor, url: URL_OK, eventTypes: ['credential.stolen'] })).toEqual({
      ok: false,
      code: 'invalid_input',
      message: 'Unknown event type: credential.stolen.',
      field: 'eventTypes',
    });
  });

  it('refuses a description over 200 characters, next to its field', async () => {
    const org = await organizationWithAdmin();
    const result = await createEndpoint({
      actor: org.actor,
      url: URL_OK,
      eventTypes: [],
      description: 'x'.repeat(201),
    });
    expect(result).toMatchObject({ ok: false, code: 'invalid_input', field: 'description' });
    expect((await added(org, { description: 'x'.repeat(200) })).endpoint.description).toHaveLength(200);
  });

  it('refuses URLs that are not https to a public host, and allows http on loopback only in test runs', async () => {
    const org = await organizationWithAdmin();
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    const refusal = async (url: string) => {
      const result = await createEndpoint({ actor: org.actor, url, eventTypes: [] });
      expect(result, url).toMatchObject({ ok: false, code: 'invalid_input', field: 'url' });
      return (result as { message: string }).message;
    };
    expect(await refusal('http://hooks.acme.example/credentials')).toBe('Use an https:// URL.');
    expect(await refusal('https://10.1.2.3/hook')).toBe(
      'Webhooks go only to public hosts: 10.1.2.3 is a private address, not a public one.',
    );
    expect(await refusal('https://192.168.0.10/hook')).toMatch(/private address/);
    expect(await refusal('https://169.254.169.254/latest/meta-data/')).toBe(
      'Webhooks go only to public hosts: 169.254.169.254 is a link-local (cloud metadata) address, not a public one.',
    );
    expect(await refusal('https://[::ffff:169.254.169.254]/')).toMatch(/link-local/);
    expect(await refusal('http://127.0.0.1:4010/hook')).toBe('Use an https:// URL.');
    expect(await refusal('https://127.0.0.1/hook')).toMatch(/loopback address/);
    expect(await refusal('https://localhost/hook')).toBe(
      'Webhooks go only to public hosts: localhost is this machine.',
    );
    expect(await refusal('https://user:pw@hooks.acme.example/')).toBe(
      'Remove the user name and password from the URL.',
    );
    expect(await refusal('hooks.acme.example/credentials')).toMatch(/^Enter a full URL/);
    expect(await refusal('')).toBe('Enter the URL that receives the events.');
    expect(await refusal(`https://hooks.acme.example/${'a'.repeat(2048)}`)).toMatch(/at most 2048/);
    expect(await prisma.webhookEndpoint.count({ where: { organizationId: org.org.id } })).toBe(0);

    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    expect((await added(org, { url: 'http://127.0.0.1:4010/hook' })).endpoint.url).toBe('http://127.0.0.1:4010/hook');
    expect(await refusal('http://10.1.2.3/hook')).toBe('Use an https:// URL.');
    expect(await refusal('https://169.254.169.254/')).toMatch(/link-local/);
  });

  it(`allows at most ${MAX_WEBHOOK_ENDPOINTS} per organization, also when adds race`, async () => {
    const org = await organizationWithAdmin();
    const results = await Promise.all(
      Array.from({ length: MAX_WEBHOOK_ENDPOINTS + 3 }, (_, n) =>
        createEndpoint({ actor: org.actor, url: `https://hooks.acme.example/${n}`, eventTypes: [] }),
      ),
    );
    expect(results.filter((result) => result.ok)).toHaveLength(MAX_WEBHOOK_ENDPOINTS);
    const refused = results.filter((result) => !result.ok);
    expect(refused).toHaveLength(3);
    expect(refused[0]).toMatchObject({ ok: false, code: 'conflict', message: expect.stringMatching(/already has 10/) });
    expect(await prisma.webhookEndpoint.count({ where: { organizationId: org.org.id } })).toBe(MAX_WEBHOOK_ENDPOINTS);
    expect(await webhookAudit(org)).toHaveLength(MAX_WEBHOOK_ENDPOINTS);

    // Another organization has its own ten; deleting one frees a place.
    const other = await organizationWithAdmin();
    await added(other);
    await deleteEndpoint({ actor: org.actor, endpointId: (await listEndpoints({ actor: org.actor }))[0]!.id });
    await added(org);
  });
});

describe('changing an endpoint', () => {
  it('changes its URL, events and description under the same rules, keeps its secret, and audits what it replaced', async () => {
    const org = await organizationWithAdmin();
    const { endpoint, secret } = await added(org);
    const endpointId = endpoint.id;
    const moved = 'https://hooks.acme.example/v2';

    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    expect(
      await updateEndpoint({ actor: org.actor, endpointId, url: 'https://169.254.169.254/', eventTypes: [] }),
    ).toMatchObject({ ok: false, code: 'invalid_input', field: 'url' });

    const changed = await updateEndpoint({
      actor: org.actor,
      endpointId,
      url: moved,
      description: 'Version 2',
      eventTypes: ['credential.leaked'],
    });
    expect(changed).toMatchObject({
      ok: true,
      endpoint: { url: moved, description: 'Version 2', eventTypes: ['credential.leaked'] },
    });
    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } });
    expect(openSigningSecrets(row)).toEqual([secret]);
    expect((await webhookAudit(org)).at(-1)).toMatchObject({
      action: 'webhook_endpoint_changed',
      details: { endpointId, url: moved, from: URL_OK, eventTypes: ['credential.leaked'] },
    });

    // Saving what is already there is no change.
    const same = {
      actor: org.actor,
      endpointId,
      url: moved,
      description: 'Version 2',
      eventTypes: ['credential.leaked'],
    };
    expect((await updateEndpoint(same)).ok).toBe(true);
    expect(await webhookAudit(org)).toHaveLength(2);

    const other = await organizationWithAdmin();
    expect(await updateEndpoint({ ...same, actor: other.actor, url: URL_OK })).toMatchObject({ code: 'not_found' });
    expect(await updateEndpoint({ ...same, actor: viewerOf(org), url: URL_OK })).toMatchObject({ code: 'forbidden' });
    expect((await getEndpoint({ actor: org.actor, endpointId }))?.url).toBe(moved);
  });
});

describe('rolling the signing secret', () => {
  it('signs with the new and the previous secret for exactly 24 hours, and audits the roll', async () => {
    const org = await organizationWithAdmin();
    const { endpoint, secret: first } = await added(org);
    const before = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    const now = new Date('2026-12-07T12:00:00.000Z');

    const rolled = await rollSigningSecret({ actor: org.actor, endpointId: endpoint.id, now });
    if (!rolled.ok) throw new Error(rolled.message);
    expect(rolled.secret).toMatch(/^whsec_/);
    expect(rolled.secret).not.toBe(first);
    const until = new Date(now.getTime() + PREVIOUS_SECRET_SIGNS_MS);
    expect(rolled.previousSecretUntil).toEqual(until);

    const row = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.previousSecretSealed).toBe(before.secretSealed);
    expect(row.previousSecretUntil).toEqual(until);
    expect(JSON.stringify(row)).not.toContain(rolled.secret.slice(6));
    expect(openSigningSecrets(row, now)).toEqual([rolled.secret, first]);
    expect(openSigningSecrets(row, new Date(until.getTime() - 1))).toEqual([rolled.secret, first]);
    expect(openSigningSecrets(row, until)).toEqual([rolled.secret]);

    const events = await webhookAudit(org);
    expect(events.at(-1)).toMatchObject({
      action: 'webhook_secret_rolled',
      details: { endpointId: endpoint.id, url: URL_OK, previousSecretUntil: until.toISOString() },
    });
    expect(JSON.stringify(events)).not.toContain(rolled.secret.slice(6));
  });
});

describe('disabling, enabling and deleting', () => {
  it("disables for the admin's reason, enables clearing a failing streak, and audits each change once", async () => {
    const org = await organizationWithAdmin();
    const { endpoint } = await added(org);
    const now = new Date('2026-12-07T12:00:00.000Z');

    expect(await setEndpointEnabled({ actor: org.actor, endpointId: endpoint.id, enabled: false, now })).toEqual({
      ok: true,
      changed: true,
    });
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      disabledAt: now,
      disabledReason: 'admin',
    });
    expect((await getEndpoint({ actor: org.actor, endpointId: endpoint.id }))?.status).toBe('disabled');
    // Already disabled: nothing changes, nothing is audited.
    expect(await setEndpointEnabled({ actor: org.actor, endpointId: endpoint.id, enabled: false })).toEqual({
      ok: true,
      changed: false,
    });

    // As the deliveries leave an endpoint that failed for five days.
    await prisma.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { disabledReason: 'failing', failingSince: new Date('2026-12-01T00:00:00.000Z') },
    });
    expect((await listEndpoints({ actor: org.actor }))[0]?.status).toBe('failing');
    expect(await setEndpointEnabled({ actor: org.actor, endpointId: endpoint.id, enabled: true })).toEqual({
      ok: true,
      changed: true,
    });
    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      disabledAt: null,
      disabledReason: null,
      failingSince: null,
    });
    expect((await webhookAudit(org)).map((event) => event.action)).toEqual([
      'webhook_endpoint_added',
      'webhook_endpoint_disabled',
      'webhook_endpoint_enabled',
    ]);
  });

  it('deletes the endpoint with its deliveries; the audit log keeps its URL', async () => {
    const org = await organizationWithAdmin();
    const { endpoint } = await added(org);
    expect(await sendTestEvent({ organizationId: org.org.id, endpointId: endpoint.id })).toMatchObject({
      eventId: expect.any(String),
    });
    expect(await deleteEndpoint({ actor: org.actor, endpointId: endpoint.id })).toEqual({ ok: true });
    expect(await prisma.webhookEndpoint.count({ where: { id: endpoint.id } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { endpointId: endpoint.id } })).toBe(0);
    expect((await webhookAudit(org)).at(-1)).toMatchObject({
      action: 'webhook_endpoint_deleted',
      details: { endpointId: endpoint.id, url: URL_OK },
    });
    expect(await deleteEndpoint({ actor: org.actor, endpointId: endpoint.id })).toMatchObject({ code: 'not_found' });
  });
});

describe('who may see and change endpoints', () => {
  it("finds nothing of another organization's, and lets a viewer list but change nothing", async () => {
    const victim = await organizationWithAdmin();
    const other = await organizationWithAdmin();
    const { endpoint } = await added(victim);
    const before = await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    const auditBefore = await auditOf(victim);
    const endpointId = endpoint.id;

    expect(await listEndpoints({ actor: other.actor })).toEqual([]);
    expect(await getEndpoint({ actor: other.actor, endpointId })).toBeNull();
    for (const result of [
      await rollSigningSecret({ actor: other.actor, endpointId }),
      await setEndpointEnabled({ actor: other.actor, endpointId, enabled: false }),
      await deleteEndpoint({ actor: other.actor, endpointId }),
    ])
      expect(result).toMatchObject({ ok: false, code: 'not_found' });
    expect(await sendTestEvent({ organizationId: other.org.id, endpointId })).toBeNull();

    const viewer = viewerOf(victim);
    expect((await listEndpoints({ actor: viewer })).map((row) => row.id)).toEqual([endpointId]);
    for (const result of [
      await createEndpoint({ actor: viewer, url: URL_OK, eventTypes: [] }),
      await rollSigningSecret({ actor: viewer, endpointId }),
      await setEndpointEnabled({ actor: viewer, endpointId, enabled: false }),
      await deleteEndpoint({ actor: viewer, endpointId }),
    ])
      expect(result).toEqual({ ok: false, code: 'forbidden', message: 'You need the Admin role to manage webhooks.' });

    expect(await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId } })).toEqual(before);
    expect(await prisma.webhookEndpoint.count({ where: { organizationId: victim.org.id } })).toBe(1);
    expect(await auditOf(victim)).toEqual(auditBefore);
  });
});

describe("the portal's reads of deliveries", () => {
  it("lists an endpoint's deliveries with their last attempt, and resends only the organization's own", async () => {
    const org = await organizationWithAdmin();
    const other = await organizationWithAdmin();
    const { endpoint } = await added(org);
    const sent = await sendTestEvent({ organizationId: org.org.id, endpointId: endpoint.id });
    const [delivery] = await listDeliveries({ organizationId: org.org.id, endpointId: endpoint.id, limit: 10 });
    expect(delivery).toMatchObject({ eventId: sent!.eventId, eventType: 'webhook.test', status: 'pending' });
    await prisma.webhookAttempt.create({
      data: {
        deliveryId: delivery!.id,
        attempt: 1,
        startedAt: new Date(),
        durationMs: 42,
        statusCode: 500,
        responseBody: 'down',
      },
    });
    const [again] = await listDeliveries({ organizationId: org.org.id, endpointId: endpoint.id, limit: 10 });
    expect(again?.lastAttempt).toMatchObject({ attempt: 1, statusCode: 500, durationMs: 42, responseBody: 'down' });
    expect(await listDeliveries({ organizationId: other.org.id, endpointId: endpoint.id, limit: 10 })).toEqual([]);
    expect(await resendDelivery({ organizationId: other.org.id, deliveryId: delivery!.id })).toBe(false);
    expect(await resendDelivery({ organizationId: org.org.id, deliveryId: delivery!.id })).toBe(true);
  });
});
