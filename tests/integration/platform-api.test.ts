import { afterEach, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { verifyUserCredentials } from '@/lib/data/users';
import { generate } from 'otplib';
import { verifyTotpCode } from '@/lib/data/two-factor';
import { POST } from '@/app/api/platform/tenants/route';
import { DELETE } from '@/app/api/platform/tenants/[organizationId]/route';

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
});
