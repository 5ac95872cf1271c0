import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { createTenant, deleteTenant, type Tenant } from '@/lib/data/tenants';
import { getActorByUserId, verifyUserCredentials } from '@/lib/data/users';
import { listCredentials } from '@/lib/data/credential-queries';
import { activateCredential } from '@/lib/data/credential-commands';
import { createSecret } from '@/lib/data/secret-commands';
import { raiseSecurityAlert } from '@/lib/data/alerts';
import type { Actor } from '@/lib/identity/actor';
import { generate } from 'otplib';
import { verifyTotpCode } from '@/lib/data/two-factor';
import { spawnTokenServer } from '../helpers/token-server-process';

async function tenant(name = `Suite ${randomUUID().slice(0, 8)}`): Promise<Tenant> {
  const result = await createTenant({ name });
  if (!result.ok) throw new Error(result.message);
  return result.tenant;
}

async function adminOf(t: Tenant): Promise<Actor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { email: t.admin.email }, select: { id: true } });
  return (await getActorByUserId({ userId: user.id })) as Actor;
}

async function secretOf(actor: Actor) {
  const created = await createSecret({ actor });
  if (!created.ok) throw new Error(created.message);
  await activateCredential({ actor, credentialId: created.secret.id });
  return created.secret;
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/org.ts', ...args], {
      env: { ...process.env, DATABASE_URL: process.env.DATABASE_URL },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('createTenant', () => {
  it('creates an organization with an OAuth client and an admin who can sign in with the returned password', async () => {
    const result = await createTenant({ name: '  Suite 42  ' });
    if (!result.ok) throw new Error(result.message);
    const { tenant: created } = result;

    expect(created).toMatchObject({ name: 'Suite 42', signInUrl: expect.stringMatching(/^https?:\/\/.+\/sign-in$/) });
    expect(created.admin.email).toMatch(/^admin\+[0-9a-f]{8}@suite-42\.tenant\.test$/);
    expect(created.admin.password).toMatch(/^[A-Za-z0-9_-]{24,}$/);

    const user = await verifyUserCredentials({ email: created.admin.email, password: created.admin.password });
    expect(user).toMatchObject({ email: created.admin.email });
    expect(
      await verifyUserCredentials({ email: created.admin.email, password: `${created.admin.password}x` }),
    ).toBeNull();

    const organization = await prisma.organization.findUniqueOrThrow({
      where: { id: created.organizationId },
      include: { oauthClient: true, memberships: true },
    });
    expect(organization.oauthClient?.clientId).toBe(created.clientId);
    expect(created.clientId).toMatch(/^[0-9a-f]{24}$/);
    expect(organization.memberships).toEqual([expect.objectContaining({ userId: user!.id, role: 'ADMIN' })]);
    expect((await getActorByUserId({ userId: user!.id }))?.membership).toEqual({
      organizationId: created.organizationId,
      organizationName: 'Suite 42',
      role: 'ADMIN',
      requireTwoFactor: false,
    });
  });

  it('gives every tenant its own admin and password, and takes a chosen domain and email', async () => {
    const email = `qa-${randomUUID().slice(0, 8)}@Example.test`;
    const result = await createTenant({ name: 'Suite 42', domain: 'suite42.example.test', email });
    const other = await tenant('Suite 42');
    if (!result.ok) throw new Error(result.message);

    expect(result.tenant.admin.email).toBe(email.toLowerCase());
    expect(other.admin.email).not.toBe(result.tenant.admin.email);
    expect(other.admin.password).not.toBe(result.tenant.admin.password);
    expect(other.clientId).not.toBe(result.tenant.clientId);
    expect(await prisma.organization.findUniqueOrThrow({ where: { id: result.tenant.organizationId } })).toMatchObject({
      domain: 'suite42.example.test',
    });
  });

  it('blocks an empty or too long name, a malformed domain or email, and leaves nothing behind', async () => {
    const before = await prisma.organization.count();
    for (const input of [
      { name: '   ' },
      { name: 'x'.repeat(101) },
      { name: 'Suite', domain: 'not a domain' },
      { name: 'Suite', email: 'nobody' },
    ]) {
      expect(await createTenant(input)).toMatchObject({ ok: false, code: 'invalid_input' });
    }
    expect((await createTenant({ name: 'x'.repeat(100) })).ok).toBe(true);
    expect(await prisma.organization.count()).toBe(before + 1);
  });

  it('blocks an email that is already taken without creating the organization', async () => {
    const taken = await tenant();
    const before = await prisma.organization.count();
    expect(await createTenant({ name: 'Copycat', email: taken.admin.email })).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    expect(await prisma.organization.count()).toBe(before);
  });
});

describe('isolation', () => {
  it("keeps each tenant's secrets out of the other's list and reach", async () => {
    const [first, second] = await Promise.all([tenant(), tenant()]);
    const [firstAdmin, secondAdmin] = await Promise.all([adminOf(first), adminOf(second)]);
    const firstSecret = await secretOf(firstAdmin);
    const secondSecret = await secretOf(secondAdmin);

    expect((await listCredentials({ organizationId: first.organizationId })).map((s) => s.id)).toEqual([
      firstSecret.id,
    ]);
    expect((await listCredentials({ organizationId: second.organizationId })).map((s) => s.id)).toEqual([
      secondSecret.id,
    ]);
    expect(await activateCredential({ actor: secondAdmin, credentialId: firstSecret.id })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
  });
});

describe('deleteTenant', () => {
  it('deletes the organization, its client, secrets, usage, callers, alerts, memberships and member users, but keeps its audit events', async () => {
    const doomed = await tenant();
    const kept = await tenant();
    const [doomedAdmin, keptAdmin] = await Promise.all([adminOf(doomed), adminOf(kept)]);
    const secret = await secretOf(doomedAdmin);
    const keptSecret = await secretOf(keptAdmin);
    const now = new Date();
    await prisma.credentialUsage.create({ data: { credentialId: secret.id, minute: now, count: 3 } });
    await prisma.credentialCaller.create({
      data: {
        credentialId: secret.id,
        address: '198.51.100.7',
        userAgent: 'suite/1',
        firstSeen: now,
        lastSeen: now,
        count: 3,
      },
    });
    await raiseSecurityAlert(prisma, { kind: 'decoy_used', credentialId: secret.id });
    const orgId = doomed.organizationId;
    const auditEvents = await prisma.auditEvent.count({ where: { organizationId: orgId } });
    expect(auditEvents).toBeGreaterThan(0);

    expect(await deleteTenant({ organizationId: orgId })).toEqual({ ok: true, organizationId: orgId, deletedUsers: 1 });

    expect(await prisma.organization.count({ where: { id: orgId } })).toBe(0);
    expect(await prisma.oAuthClient.count({ where: { organizationId: orgId } })).toBe(0);
    expect(await prisma.oAuthClient.count({ where: { clientId: doomed.clientId } })).toBe(0);
    expect(await prisma.credential.count({ where: { id: secret.id } })).toBe(0);
    expect(await prisma.credentialUsage.count({ where: { credentialId: secret.id } })).toBe(0);
    expect(await prisma.credentialCaller.count({ where: { credentialId: secret.id } })).toBe(0);
    expect(await prisma.securityAlert.count({ where: { organizationId: orgId } })).toBe(0);
    expect(await prisma.membership.count({ where: { organizationId: orgId } })).toBe(0);
    expect(await prisma.user.count({ where: { id: doomedAdmin.userId } })).toBe(0);
    expect(await verifyUserCredentials({ email: doomed.admin.email, password: doomed.admin.password })).toBeNull();
    expect(await prisma.auditEvent.count({ where: { organizationId: orgId } })).toBe(auditEvents);

    // The other tenant is untouched.
    expect((await listCredentials({ organizationId: kept.organizationId })).map((s) => s.id)).toEqual([keptSecret.id]);
    expect(await verifyUserCredentials({ email: kept.admin.email, password: kept.admin.password })).not.toBeNull();
  });

  it('deletes a tenant while its usage is being written, and the usage write still commits', async () => {
    // The token endpoint's usage flush references a secret (usage row), then stamps its last use. A deletion
    // that starts in between used to lock the secret in the other order, and PostgreSQL ended one of the two
    // as a deadlock: the suite's DELETE /api/platform/tenants/{id} failed after its token requests.
    const doomed = await tenant();
    const secret = await secretOf(await adminOf(doomed));
    let deletion: ReturnType<typeof deleteTenant> | undefined;
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO secret_usage (secret_id, minute, count) VALUES (${secret.id}::uuid, date_trunc('minute', now()), 1)`;
      deletion = deleteTenant({ organizationId: doomed.organizationId });
      // Long enough for the deletion to reach the secret and wait for this transaction.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.$executeRaw`UPDATE secrets SET last_used_at = now() WHERE id = ${secret.id}::uuid`;
    });
    expect(await deletion).toEqual({ ok: true, organizationId: doomed.organizationId, deletedUsers: 1 });
    expect(await prisma.credential.count({ where: { id: secret.id } })).toBe(0);
    expect(await prisma.credentialUsage.count({ where: { credentialId: secret.id } })).toBe(0);
  });

  it('deletes a tenant while a webhook attempt is being recorded, and the attempt still commits', async () => {
    // Recording an attempt references its delivery (KEY SHARE), then updates the endpoint's failing streak.
    // The deletion used to reach the endpoint first (the users' deletion sets its created_by_id to null) and
    // then wait for the delivery: PostgreSQL ended one of the two as a deadlock (40P01) and the suite's
    // DELETE answered 500.
    const doomed = await tenant();
    const admin = await adminOf(doomed);
    const endpoint = await prisma.webhookEndpoint.create({
      data: {
        organizationId: doomed.organizationId,
        url: 'https://receiver.invalid/hook',
        secretSealed: 'not read here',
        createdById: admin.userId,
      },
    });
    const event = await prisma.event.create({
      data: { id: `evt_${randomUUID()}`, organizationId: doomed.organizationId, type: 'webhook.test', data: {} },
    });
    const delivery = await prisma.webhookDelivery.create({ data: { endpointId: endpoint.id, eventId: event.id } });
    let deletion: ReturnType<typeof deleteTenant> | undefined;
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT 1 FROM webhook_deliveries WHERE id = ${delivery.id}::uuid FOR KEY SHARE`;
      deletion = deleteTenant({ organizationId: doomed.organizationId });
      // Long enough for the deletion to take what it takes before it waits for this transaction.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await tx.$executeRaw`UPDATE webhook_endpoints SET failing_since = now() WHERE id = ${endpoint.id}::uuid`;
    });
    expect(await deletion).toEqual({ ok: true, organizationId: doomed.organizationId, deletedUsers: 1 });
    expect(await prisma.webhookEndpoint.count({ where: { id: endpoint.id } })).toBe(0);
    expect(await prisma.webhookDelivery.count({ where: { id: delivery.id } })).toBe(0);
  });

  it('reports an unknown id as not found and a malformed one as invalid, deleting nothing', async () => {
    const bystander = await tenant();
    const users = await prisma.user.count();

    const unknown = randomUUID();
    expect(await deleteTenant({ organizationId: unknown })).toEqual({
      ok: false,
      code: 'not_found',
      message: `No test-suite tenant has the id ${unknown}.`,
    });
    expect(await deleteTenant({ organizationId: 'not-a-uuid' })).toMatchObject({ ok: false, code: 'invalid_input' });
    // A real customer is never a tenant: the tenant tools cannot delete it.
    const customer = await prisma.organization.create({ data: { name: 'Real customer' } });
    expect(await deleteTenant({ organizationId: customer.id })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await prisma.organization.findUnique({ where: { id: customer.id } })).not.toBeNull();
    expect(await prisma.user.count()).toBe(users);

    expect((await deleteTenant({ organizationId: bystander.organizationId })).ok).toBe(true);
    expect(await deleteTenant({ organizationId: bystander.organizationId })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
  });
});

describe("deleteTenant and the tenant's access tokens", () => {
  /** An active secret of the tenant, with its plaintext. */
  async function clientSecretOf(t: Tenant) {
    const created = await createSecret({ actor: await adminOf(t) });
    if (!created.ok) throw new Error(created.message);
    await activateCredential({ actor: await adminOf(t), credentialId: created.secret.id });
    return { clientId: t.clientId, secret: created.plaintext };
  }
  const basic = (c: { clientId: string; secret: string }) =>
    `Basic ${Buffer.from(`${c.clientId}:${c.secret}`).toString('base64')}`;
  const form = { 'content-type': 'application/x-www-form-urlencoded' };

  async function accessToken(base: string, c: { clientId: string; secret: string }): Promise<string> {
    const response = await fetch(`${base}/api/oauth/token`, {
      method: 'POST',
      headers: { ...form, authorization: basic(c) },
      body: 'grant_type=client_credentials',
    });
    expect(response.status).toBe(200);
    return (await response.json()).access_token;
  }
  const me = async (base: string, token: string) =>
    (await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  const introspect = (base: string, token: string, c: { clientId: string; secret: string }) =>
    fetch(`${base}/api/oauth/introspect`, {
      method: 'POST',
      headers: { ...form, authorization: basic(c) },
      body: new URLSearchParams({ token }),
    });

  it('refuses them at every instance once the deletion returns, which waits for a frozen instance; other tenants keep theirs', async () => {
    const [a, b] = await Promise.all([spawnTokenServer(), spawnTokenServer()]);
    try {
      const doomed = await tenant();
      const kept = await tenant();
      const [doomedClient, keptClient] = await Promise.all([clientSecretOf(doomed), clientSecretOf(kept)]);
      const token = await accessToken(a.base, doomedClient);
      const keptToken = await accessToken(b.base, keptClient);
      // Both instances have checked the token (and cached what they read about its credential).
      for (let round = 0; round < 2; round++)
        expect([await me(a.base, token), await me(b.base, token)]).toEqual([200, 200]);
      expect(await (await introspect(b.base, token, doomedClient)).json()).toMatchObject({ active: true });

      b.process.kill('SIGSTOP');
      let returned = false;
      const deletion = deleteTenant({ organizationId: doomed.organizationId }).finally(() => {
        returned = true;
      });
      try {
        await expect
          .poll(() => prisma.organization.count({ where: { id: doomed.organizationId } }), { interval: 20 })
          .toBe(0);
        // Committed, but b has not acknowledged: the deletion has not answered yet.
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(returned).toBe(false);
      } finally {
        b.process.kill('SIGCONT');
      }
      expect((await deletion).ok).toBe(true);

      // On the very next request, at each instance.
      expect([await me(b.base, token), await me(a.base, token)]).toEqual([401, 401]);
      for (const base of [a.base, b.base]) {
        const response = await introspect(base, token, doomedClient);
        expect(response.status).toBe(401);
        expect(await response.json()).toMatchObject({ error: 'invalid_client' });
      }
      expect([await me(a.base, keptToken), await me(b.base, keptToken)]).toEqual([200, 200]);
      expect(await (await introspect(a.base, keptToken, keptClient)).json()).toMatchObject({ active: true });
    } finally {
      a.process.kill();
      b.process.kill();
    }
  });
});

describe('the org CLI', () => {
  it('prints one line of JSON on create, a working sign-in, and deletes the tenant by id', {
    timeout: 60_000,
  }, async () => {
    const created = await runCli(['create', '--name', 'CLI Suite']);
    expect(created.stderr).not.toContain('Error');
    expect(created.code).toBe(0);
    expect(created.stdout.endsWith('\n')).toBe(true);
    expect(created.stdout.trimEnd().split('\n')).toHaveLength(1);
    const printed = JSON.parse(created.stdout) as Tenant;
    expect(Object.keys(printed).sort()).toEqual([
      'admin',
      'clientId',
      'deleteAt',
      'name',
      'organizationId',
      'signInUrl',
      'testClock',
    ]);
    expect(printed.testClock).toBeNull();
    expect(Object.keys(printed.admin).sort()).toEqual(['email', 'password']);
    expect(printed.name).toBe('CLI Suite');
    expect(
      await verifyUserCredentials({ email: printed.admin.email, password: printed.admin.password }),
    ).not.toBeNull();
    expect(
      (await prisma.oAuthClient.findUniqueOrThrow({ where: { organizationId: printed.organizationId } })).clientId,
    ).toBe(printed.clientId);

    const deleted = await runCli(['delete', '--id', printed.organizationId]);
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toEqual({ deleted: true, organizationId: printed.organizationId });
    expect(await prisma.organization.count({ where: { id: printed.organizationId } })).toBe(0);
    expect(await verifyUserCredentials({ email: printed.admin.email, password: printed.admin.password })).toBeNull();

    const again = await runCli(['delete', '--id', printed.organizationId]);
    expect(again).toMatchObject({ code: 1, stdout: '' });
    expect(again.stderr).toContain(`No test-suite tenant has the id ${printed.organizationId}.`);
  });

  it('with --test-clock and --ttl-minutes gives the tenant its clock and its time to live', {
    timeout: 60_000,
  }, async () => {
    const created = await runCli(['create', '--name', 'CLI Clock Suite', '--test-clock', '--ttl-minutes', '60']);
    expect(created.code).toBe(0);
    const printed = JSON.parse(created.stdout) as Tenant;
    expect(Date.parse(printed.deleteAt) - Date.parse(printed.testClock!.now)).toBe(60 * 60_000);
    const row = await prisma.organization.findUniqueOrThrow({ where: { id: printed.organizationId } });
    expect(row.testClockAt?.toISOString()).toBe(printed.testClock!.now);

    for (const ttl of ['1441', 'soon']) {
      const refused = await runCli(['create', '--name', 'CLI Clock Suite bad', '--ttl-minutes', ttl]);
      expect(refused).toMatchObject({ code: 1, stdout: '' });
      expect(refused.stderr).toMatch(/ttl-minutes|ttlMinutes/);
    }
    expect(await prisma.organization.count({ where: { name: 'CLI Clock Suite bad' } })).toBe(0);
  });

  it('with --totp enrolls an authenticator app for the admin and prints its key once', {
    timeout: 60_000,
  }, async () => {
    const created = await runCli(['create', '--name', 'TOTP Suite', '--totp']);
    expect(created.code).toBe(0);
    const printed = JSON.parse(created.stdout) as Tenant;
    expect(printed.admin.totp).toMatchObject({
      secret: expect.stringMatching(/^[A-Z2-7]{32}$/),
      uri: expect.stringMatching(/^otpauth:\/\/totp\//),
    });
    expect(printed.admin.totp!.recoveryCodes).toHaveLength(10);
    const userId = (await prisma.user.findUniqueOrThrow({ where: { email: printed.admin.email } })).id;
    expect(await verifyTotpCode({ userId, code: await generate({ secret: printed.admin.totp!.secret }) })).toBe(true);
    expect((await getActorByUserId({ userId }))?.twoFactorEnabled).toBe(true);
    expect(created.stderr).not.toContain(printed.admin.totp!.secret);
    expect((await runCli(['delete', '--id', printed.organizationId])).code).toBe(0);
  });

  it('exits with 1 and a message on stderr for a malformed id or a missing name', { timeout: 60_000 }, async () => {
    const malformed = await runCli(['delete', '--id', 'not-a-uuid']);
    expect(malformed).toMatchObject({ code: 1, stdout: '' });
    expect(malformed.stderr).toContain('The organization id must be a UUID.');

    const nameless = await runCli(['create']);
    expect(nameless).toMatchObject({ code: 1, stdout: '' });
    expect(nameless.stderr).toContain('create takes --name');
  });
});
