import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { generateSecret } from '@/lib/credentials/format';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { reportLeakedSecrets } from '@/lib/data/leak-reports';
import { POST } from '@/app/api/secrets/revoke/route';
import { leakReportsSettled } from '@/lib/data/leak-reports';
import { organizationWithAdmin } from '../helpers/fixtures';

// Read when the limiter is first used; every test below reports from its own addresses.
process.env.LEAK_REPORTS_PER_ADDRESS = '4';

const URL_ = 'http://localhost/api/secrets/revoke';
let acme: Awaited<ReturnType<typeof organizationWithAdmin>>;
beforeAll(async () => {
  acme = await organizationWithAdmin('Acme');
});

let nextAddress = 0;
function freshAddress() {
  nextAddress += 1;
  return `198.51.100.${nextAddress}`;
}

async function report(
  body: BodyInit | null,
  { address = freshAddress(), contentType = 'application/json', userAgent = 'leak-scanner/1.0' } = {},
) {
  const headers: Record<string, string> = { 'x-forwarded-for': `203.0.113.9, ${address}`, 'user-agent': userAgent };
  if (contentType) headers['content-type'] = contentType;
  const response = await POST(
    new Request(URL_, { method: 'POST', headers, body, ...(body instanceof ReadableStream ? { duplex: 'half' } : {}) }),
  );
  // The endpoint answers before it works; wait for the work before looking at its effects.
  await leakReportsSettled();
  return response;
}

const reportSecrets = (secrets: unknown[], options?: Parameters<typeof report>[1]) =>
  report(JSON.stringify({ secrets }), options);

/** Everything a caller can see of a response. */
async function observable(response: Response) {
  return { status: response.status, headers: [...response.headers.entries()], body: await response.text() };
}

async function expectAccepted(response: Response) {
  expect(response.status).toBe(202);
  expect(response.headers.get('cache-control')).toBe('no-store');
  expect(await response.json()).toEqual({ status: 'accepted' });
}

function statusOf(id: string) {
  return prisma.credential.findUniqueOrThrow({ where: { id }, select: { status: true, deactivatedAt: true } });
}

function eventsOf(credentialId: string) {
  return prisma.auditEvent.findMany({ where: { credentialId, action: 'reported_leaked' } });
}

function alertsOf(credentialId: string) {
  return prisma.securityAlert.findMany({ where: { credentialId } });
}

function tokenRequest(clientId: string, secret: string) {
  return handleTokenRequest({
    contentType: 'application/x-www-form-urlencoded',
    authorization: null,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: secret,
    }).toString(),
    address: '127.0.0.1',
  });
}

describe('allows reporting a leaked active secret', () => {
  it('deactivates it, records one public audit event and raises one open alert for the admins', async () => {
    const secret = await acme.secret('ACTIVE');
    const address = freshAddress();
    await expectAccepted(await reportSecrets([secret.value], { address, userAgent: 'github-secret-scanning' }));

    const row = await statusOf(secret.id);
    expect(row.status).toBe('DISABLED');
    expect(row.deactivatedAt).toBeInstanceOf(Date);

    const events = await eventsOf(secret.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      organizationId: acme.org.id,
      actorId: null,
      actorRole: 'PUBLIC',
      address,
      userAgent: 'github-secret-scanning',
    });

    const alerts = await alertsOf(secret.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      organizationId: acme.org.id,
      kind: 'leak_reported',
      acknowledgedAt: null,
      lastAddress: address,
    });

    // Reported again, in the same report and in a later one: nothing more is recorded.
    await expectAccepted(await reportSecrets([secret.value, secret.value]));
    expect(await eventsOf(secret.id)).toHaveLength(1);
    expect(await alertsOf(secret.id)).toMatchObject([{ count: 1 }]);
  });

  it('is refused by the token endpoint right after, although the endpoint had just verified it', async () => {
    const secret = await acme.secret('ACTIVE');
    expect((await tokenRequest(acme.clientId, secret.value)).status).toBe(200);
    await expectAccepted(await reportSecrets([secret.value]));
    const refused = await tokenRequest(acme.clientId, secret.value);
    expect(refused.status).toBe(401);
    expect(JSON.parse(refused.body).error).toBe('invalid_client');
  });

  it('revokes exactly the active secrets among 100 reported at once', async () => {
    const make = async (count: number, status: 'ACTIVE' | 'DISABLED' | 'DELETED') => {
      const made = [];
      for (let i = 0; i < count; i++) made.push(await acme.secret(status));
      return made;
    };
    const [active, disabled, deleted] = [await make(10, 'ACTIVE'), await make(5, 'DISABLED'), await make(5, 'DELETED')];
    const bystander = await acme.secret('ACTIVE');
    const fakes = Array.from({ length: 40 }, () => generateSecret());
    const malformed = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? `${active[i % 10]!.value.slice(0, -1)}x` : `not a secret ${i}`,
    );
    const secrets = [
      ...active.map((s) => s.value),
      ...disabled.map((s) => s.value),
      ...deleted.map((s) => s.value),
      ...fakes,
      ...malformed,
    ];
    expect(secrets).toHaveLength(100);

    await expectAccepted(await reportSecrets(secrets.sort()));

    for (const s of active) expect((await statusOf(s.id)).status).toBe('DISABLED');
    for (const s of disabled) expect((await statusOf(s.id)).status).toBe('DISABLED');
    for (const s of deleted) expect((await statusOf(s.id)).status).toBe('DELETED');
    expect((await statusOf(bystander.id)).status).toBe('ACTIVE');
    const reported = [...active, ...disabled, ...deleted, bystander].map((s) => s.id);
    const recorded = await prisma.auditEvent.findMany({
      where: { action: 'reported_leaked', credentialId: { in: reported } },
    });
    expect(recorded.map((e) => e.credentialId).sort()).toEqual(active.map((s) => s.id).sort());
  });

  it('reports the number revoked to its caller inside the server', async () => {
    const [a, b] = [await acme.secret('ACTIVE'), await acme.secret('ACTIVE')];
    const result = await reportLeakedSecrets({
      candidates: { secrets: [a.value, generateSecret(), 42, null, { secret: b.value }, b.value, a.value] },
      address: '192.0.2.1',
    });
    expect(result).toEqual({ revoked: 2 });
  });
});

describe('blocks learning anything about secrets that are not active', () => {
  it('changes nothing for a fake, a disabled, a deleted, a decoy or a malformed secret, and answers byte for byte as for a real one', async () => {
    const real = await acme.secret('ACTIVE');
    const realAnswer = await observable(await reportSecrets([real.value]));

    const disabled = await acme.secret('DISABLED');
    const deleted = await acme.secret('DELETED');
    const decoy = await acme.secret('DISABLED');
    await prisma.credential.update({ where: { id: decoy.id }, data: { isDecoy: true } });
    // A correct body with a broken checksum is refused before any lookup.
    const broken = `${real.value.slice(0, -6)}000000`;
    const before = await prisma.credential.findMany({ orderBy: { id: 'asc' } });
    const eventsBefore = await prisma.auditEvent.count();
    const alertsBefore = await prisma.securityAlert.count();

    for (const value of [generateSecret(), disabled.value, deleted.value, decoy.value, 'uqs_short', broken]) {
      expect(await observable(await reportSecrets([value]))).toEqual(realAnswer);
    }
    expect(await prisma.credential.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    expect(await prisma.auditEvent.count()).toBe(eventsBefore);
    expect(await prisma.securityAlert.count()).toBe(alertsBefore);
  });

  it('ignores a report of 101 secrets entirely, and still answers 202', async () => {
    const real = await acme.secret('ACTIVE');
    const secrets = [real.value, ...Array.from({ length: 100 }, () => generateSecret())];
    await expectAccepted(await reportSecrets(secrets));
    expect((await statusOf(real.id)).status).toBe('ACTIVE');
    expect(await eventsOf(real.id)).toHaveLength(0);
  });

  it('answers 202 to garbage and acts on none of it', async () => {
    const real = await acme.secret('ACTIVE');
    const pad = 'x'.repeat(70 * 1024);
    const bodies: [BodyInit | null, string][] = [
      [null, 'application/json'],
      ['', 'application/json'],
      ['not json', 'application/json'],
      [`{"secrets": ["${real.value}"`, 'application/json'],
      [JSON.stringify([real.value]), 'application/json'],
      ['42', 'application/json'],
      ['null', 'application/json'],
      [JSON.stringify({ secrets: real.value }), 'application/json'],
      [JSON.stringify({ secrets: [[real.value]] }), 'application/json'],
      [JSON.stringify({ secrets: [{ secret: real.value }] }), 'application/json'],
      [JSON.stringify({ secrets: { 0: real.value, length: 1 } }), 'application/json'],
      [`${'['.repeat(20_000)}${']'.repeat(20_000)}`, 'application/json'],
      [new Uint8Array([0xff, 0xfe, 0x00, 0x7b]), 'application/octet-stream'],
      [`secrets=${real.value}`, 'application/x-www-form-urlencoded'],
      // The real secret comes first, but the body is over 64 KiB: none of it counts.
      [JSON.stringify({ secrets: [real.value], pad }), 'application/json'],
    ];
    for (const [body, contentType] of bodies) await expectAccepted(await report(body, { contentType }));
    expect((await statusOf(real.id)).status).toBe('ACTIVE');
    expect(await eventsOf(real.id)).toHaveLength(0);
  });

  it('stops reading a body that never ends', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 16 * 1024;
        controller.enqueue(new Uint8Array(16 * 1024).fill(0x20));
      },
    });
    await expectAccepted(await report(endless));
    expect(pulled).toBeLessThan(256 * 1024);
  });
});

describe('rate limit per source address', () => {
  it('allows 4 reports a minute from one address, of any kind, then answers 429 with Retry-After', async () => {
    const address = freshAddress();
    await expectAccepted(await reportSecrets([generateSecret()], { address }));
    await expectAccepted(await report('garbage', { address }));
    await expectAccepted(await report(null, { address }));
    await expectAccepted(await reportSecrets([], { address }));

    const real = await acme.secret('ACTIVE');
    const limited = await reportSecrets([real.value], { address });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('cache-control')).toBe('no-store');
    expect(await limited.json()).toEqual({ error: 'rate_limited' });
    // A refused report is not acted on.
    expect((await statusOf(real.id)).status).toBe('ACTIVE');

    // Another address is not affected.
    await expectAccepted(await reportSecrets([real.value]));
    expect((await statusOf(real.id)).status).toBe('DISABLED');
  });
});
