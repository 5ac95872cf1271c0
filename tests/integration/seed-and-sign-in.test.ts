import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { seedDemoData } from '@/lib/seed';
import { verifyUserCredentials } from '@/lib/data/users';

describe('demo seed', () => {
  it('creates the demo organization, its client and three users, and is idempotent', async () => {
    await seedDemoData({ password: 'demo-password' });
    const clientBefore = await prisma.oAuthClient.findFirstOrThrow();
    await seedDemoData({ password: 'demo-password' });

    expect(await prisma.organization.count()).toBe(1);
    expect(await prisma.oAuthClient.findFirstOrThrow()).toEqual(clientBefore);
    const users = await prisma.user.findMany({ include: { memberships: true }, orderBy: { email: 'asc' } });
    expect(users.map((u) => [u.email, u.memberships[0]?.role ?? null, u.platformRole])).toEqual([
      ['admin@acme.test', 'ADMIN', null],
      ['support@portal.test', null, 'SUPPORT'],
      ['viewer@acme.test', 'VIEWER', null],
    ]);
    for (const user of users) expect(user.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('takes a new DEMO_PASSWORD on the next run', async () => {
    await seedDemoData({ password: 'another-password' });
    expect(await verifyUserCredentials({ email: 'admin@acme.test', password: 'another-password' })).not.toBeNull();
    expect(await verifyUserCredentials({ email: 'admin@acme.test', password: 'demo-password' })).toBeNull();
  });
});

describe('sign-in check', () => {
  it('allows the right password, whatever the case and spacing of the email', async () => {
    await seedDemoData({ password: 'demo-password' });
    const user = await verifyUserCredentials({ email: '  Admin@ACME.test ', password: 'demo-password' });
    expect(user).toMatchObject({ email: 'admin@acme.test', name: 'Ada Admin' });
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('blocks a wrong password and an unknown email with the same answer', async () => {
    expect(await verifyUserCredentials({ email: 'admin@acme.test', password: 'demo-passworD' })).toBeNull();
    expect(await verifyUserCredentials({ email: 'nobody@acme.test', password: 'demo-password' })).toBeNull();
  });
});
