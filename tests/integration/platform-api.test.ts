import { afterEach, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { verifyUserCredentials } from '@/lib/data/users';
import { generate } from 'otplib';
import { verifyTotpCode } from '@/lib/data/two-factor';
import { POST } from '@/app/api/platform/tenants/route';
import { DELETE } from '@/app/api/platform/tenants/[organizationId]/route';
import * as clockRoute from '@/app/api/platform/tenants/[organizationId]/clock/route';
import * as eventsRoute from '@/app/api/platform/tenants/[organizationId]/events/route';
import { organizationWithAdmin } from '../helpers/fixtures';
import { decode } from 'next-auth/jwt';
import { env } from '@/lib/env';
import { findLiveSession } from '@/lib/data/sessions';

const TOKEN = 'platform-token-for-tests-0123456789abcdef';

function create(body: unknown, authorization?: string) {
  return POST(
    new Request('http://portal.test/api/platform/tenants', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    }),
  );
}

function remove(id: string, authorization?: string) {
  return DELETE(
    new Request(`http://portal.test/api/platform/tenants/${id}`, {
      method: 'DELETE',
      headers: authorization ? { authorization } : {},
    }),
    {
      params: Promise.resolve({ organizationId: id }),
    },
  );
}

afterEach(() => {
  delete process.env.PLATFORM_API_TOKEN;
});

describe('platform tenants API', () => {
  it('does not exist unless a platform token is configured', async () => {
    expect((await create({ name: 'Suite' }, `Bearer ${TOKEN}`)).status).toBe(404);
    expect(await prisma.organization.count({ where: { name: 'Suite' } })).toBe(0);
  });

  it('blocks a missing or wrong token', async () => {
    process.env.PLATFORM_API_TOKEN = TOKEN;
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, 'Bearer']) {
      const response = await create({ name: 'Suite' }, authorization);
      expect(response.status).toBe(401);
    }
    expect(await prisma.organization.count({ where: { name: 'Suite' } })).toBe(0);
  });

  it('allows the token to create a tenant that signs in, and to delete it', async () => {
    process.env.PLATFORM_API_TOKEN = TOKEN;
    const started = performance.now();
    const response = await create({ name: 'Suite 42' }, `Bearer ${TOKEN}`);
    const elapsed = performance.now() - started;
    expect(response.status).toBe(201);
    const tenant = await response.json();
    expect(tenant).toMatchObject({
      name: 'Suite 42',
      clientId: expect.any(String),
      admin: { email: expect.any(String), password: expect.any(String) },
    });
    expect(await verifyUserCredentials({ email: tenant.admin.email, password: tenant.admin.password })).not.toBeNull();
    console.log(`platform API: tenant created in ${elapsed.toFixed(0)} ms`);

    expect((await create({ name: '' }, `Bearer ${TOKEN}`)).status).toBe(400);
    expect((await remove(tenant.organizationId, `Bearer wrong-${TOKEN}`)).status).toBe(401);
    expect((await remove(tenant.organizationId, `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await remove(tenant.organizationId, `Bearer ${TOKEN}`)).status).toBe(404);
    expect(await prisma.organization.findUnique({ where: { id: tenant.organizationId } })).toBeNull();
  });

  it('with "totp": true returns the admin\'s authenticator-app key once; without it the admin has no factor', async () => {
    process.env.PLATFORM_API_TOKEN = TOKEN;
    const plain = await (await create({ name: 'Suite plain' }, `Bearer ${TOKEN}`)).json();
    expect(plain.admin.totp).toBeUndefined();
    const plainUser = await prisma.user.findUniqueOrThrow({
      where: { email: plain.admin.email },
      include: { totpFactor: true },
    });
    expect(plainUser.totpFactor).toBeNull();

    const response = await create({ name: 'Suite 2FA', totp: true }, `Bearer ${TOKEN}`);
    expect(response.status).toBe(201);
    const tenant = await response.json();
    const userId = (await prisma.user.findUniqueOrThrow({ where: { email: tenant.admin.email } })).id;
    expect(await verifyTotpCode({ userId, code: await generate({ secret: tenant.admin.totp.secret }) })).toBe(true);

    expect((await create({ name: 'Suite', totp: 'yes' }, `Bearer ${TOKEN}`)).status).toBe(400);
  });

  it('with "session": true signs the admin in: the cookie names a live session of theirs, in the trail; refuses a bad value', async () => {
    process.env.PLATFORM_API_TOKEN = TOKEN;
    const response = await create({ name: 'Suite signed in', totp: true, session: true }, `Bearer ${TOKEN}`);
    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const tenant = await response.json();
    const { cookie } = tenant.admin.session;
    expect(cookie).toMatchObject({ name: 'next-auth.session-token', path: '/', httpOnly: true, sameSite: 'Lax' });
    const jwt = await decode({ token: cookie.value, secret: env.NEXTAUTH_SECRET ?? '' });
    const admin = await prisma.user.findUniqueOrThrow({ where: { email: tenant.admin.email } });
    expect(jwt?.sub).toBe(admin.id);
    expect(await findLiveSession({ userId: admin.id, token: String(jwt?.sid) })).not.toBeNull();
    // Only the token's hash is stored, and the issue is in the tenant's trail as such, not as a sign-in.
    expect(JSON.stringify(await prisma.userSession.findMany({ where: { userId: admin.id } }))).not.toContain(jwt?.sid);
    const trail = await prisma.auditEvent.findMany({ where: { organizationId: tenant.organizationId } });
    expect(trail.map((event) => event.action)).toContain('platform_session_issued');
    expect(trail.map((event) => event.action)).not.toContain('sign_in_succeeded');

    const without = await (await create({ name: 'Suite not signed in' }, `Bearer ${TOKEN}`)).json();
    expect(without.admin.session).toBeUndefined();
    const withoutAdmin = await prisma.user.findUniqueOrThrow({ where: { email: without.admin.email } });
    expect(await prisma.userSession.count({ where: { userId: withoutAdmin.id } })).toBe(0);

    const bad = await create({ name: 'Suite bad session', session: 'yes' }, `Bearer ${TOKEN}`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'session' });
    expect(await prisma.organization.count({ where: { name: 'Suite bad session' } })).toBe(0);

    // Deleting the tenant ends the session with its admin.
    expect((await remove(tenant.organizationId, `Bearer ${TOKEN}`)).status).toBe(200);
    expect(await findLiveSession({ userId: admin.id, token: String(jwt?.sid) })).toBeNull();
  });

  it('creates a tenant with a test clock and a time to live, and refuses bad values with the field named', async () => {
    process.env.PLATFORM_API_TOKEN = TOKEN;
    const before = Date.now();
    const response = await create({ name: 'Suite clock', testClock: true, ttlMinutes: 60 }, `Bearer ${TOKEN}`);
    expect(response.status).toBe(201);
    const tenant = await response.json();
    expect(Date.parse(tenant.testClock.now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(tenant.deleteAt) - Date.parse(tenant.testClock.now)).toBe(60 * 60_000);
    const plain = await (await create({ name: 'Suite no clock' }, `Bearer ${TOKEN}`)).json();
    expect(plain.testClock).toBeNull();
    expect(Date.parse(plain.deleteAt) - Date.now()).toBeGreaterThan(1439 * 60_000);

    for (const [body, field] of [
      [{ name: 'Suite bad', testClock: 'yes' }, 'testClock'],
      [{ name: 'Suite bad', ttlMinutes: 0 }, 'ttlMinutes'],
      [{ name: 'Suite bad', ttlMinutes: 1441 }, 'ttlMinutes'],
      [{ name: 'Suite bad', ttlMinutes: '60' }, 'ttlMinutes'],
    ] as const) {
      const refused = await create(body, `Bearer ${TOKEN}`);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(await refused.json()).toMatchObject({ error: 'invalid_input', message: expect.any(String), field });
    }
    expect(await prisma.organization.count({ where: { name: 'Suite bad' } })).toBe(0);
  });

  it("reads and moves a tenant's clock; refuses going back (400), a customer or clockless tenant (409), an unknown id (404), a missing token (401)", async () => {
    process.env.PLATFORM_API_TOKEN = TOKEN;
    const tenant = await (await create({ name: 'Suite clock API', testClock: true }, `Bearer ${TOKEN}`)).json();
    const plain = await (await create({ name: 'Suite clock API plain' }, `Bearer ${TOKEN}`)).json();
    const customer = await organizationWithAdmin();
    const clock = (id: string, body?: unknown, authorization = `Bearer ${TOKEN}`) => {
      const url = `http://portal.test/api/platform/tenants/${id}/clock`;
      const context = { params: Promise.resolve({ organizationId: id }) };
      return body === undefined
        ? clockRoute.GET(new Request(url, { headers: { authorization } }), context)
        : clockRoute.POST(
            new Request(url, {
              method: 'POST',
              headers: { authorization, 'content-type': 'application/json' },
              body: JSON.stringify(body),
            }),
            context,
          );
    };
    const start = Date.parse(tenant.testClock.now);

    const read = await clock(tenant.organizationId);
    expect(read.status).toBe(200);
    expect(await read.json()).toEqual({ now: tenant.testClock.now });
    const moved = await clock(tenant.organizationId, { advanceBy: 'P30D' });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toEqual({ now: new Date(start + 30 * 86_400_000).toISOString() });
    const to = new Date(start + 31 * 86_400_000).toISOString();
    expect(await (await clock(tenant.organizationId, { to })).json()).toEqual({ now: to });

    const back = await clock(tenant.organizationId, { to: tenant.testClock.now });
    expect(back.status).toBe(400);
    expect(await back.json()).toMatchObject({ error: 'invalid_input', field: 'to' });
    for (const body of [{ advanceBy: 'soon' }, { by: 'P1D' }, [], 'P1D'])
      expect((await clock(tenant.organizationId, body)).status, JSON.stringify(body)).toBe(400);
    for (const id of [customer.org.id, plain.organizationId]) {
      for (const response of [await clock(id), await clock(id, { advanceBy: 'P1D' })]) {
        expect(response.status).toBe(409);
        expect(await response.json()).toMatchObject({ error: 'conflict', message: expect.stringMatching(/clock/) });
      }
    }
    expect((await clock('00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await clock(tenant.organizationId, undefined, `Bearer ${TOKEN}x`)).status).toBe(401);
    expect((await clock(tenant.organizationId, { advanceBy: 'P1D' }, 'Bearer nope')).status).toBe(401);
    expect(await (await clock(tenant.organizationId)).json()).toEqual({ now: to });
  });

  it('triggers an event for a tenant (202), and refuses an unknown type (400) or a customer (404)', async () => {
    process.env.PLATFORM_API_TOKEN = TOKEN;
    const tenant = await (await create({ name: 'Suite triggers API' }, `Bearer ${TOKEN}`)).json();
    const customer = await organizationWithAdmin();
    const trigger = (id: string, body: unknown, authorization = `Bearer ${TOKEN}`) =>
      eventsRoute.POST(
        new Request(`http://portal.test/api/platform/tenants/${id}/events`, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ organizationId: id }) },
      );
    const sent = await trigger(tenant.organizationId, { type: 'credential.leaked' });
    expect(sent.status).toBe(202);
    const answer = await sent.json();
    expect(answer).toEqual({ id: expect.stringMatching(/^msg_/), type: 'credential.leaked', test: true });
    expect(await prisma.event.findUniqueOrThrow({ where: { id: answer.id } })).toMatchObject({
      organizationId: tenant.organizationId,
      type: 'credential.leaked',
      test: true,
      data: expect.objectContaining({ test: true }),
    });

    const unknown = await trigger(tenant.organizationId, { type: 'credential.stolen' });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toMatchObject({
      error: 'invalid_input',
      field: 'type',
      message: expect.stringContaining('credential.expiring'),
    });
    expect((await trigger(customer.org.id, { type: 'credential.leaked' })).status).toBe(404);
    expect((await trigger(tenant.organizationId, { type: 'credential.leaked' }, 'Bearer nope')).status).toBe(401);
  });
});
