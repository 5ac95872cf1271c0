import { randomUUID } from 'node:crypto';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { createMember } from '@/lib/data/organizations';
import { provisionTotp } from '@/lib/data/two-factor';
import { ENROLL_TO_MANAGE_SECRETS, ENROLL_TO_OPEN_SUPPORT } from '@/lib/identity/two-factor-policy';
import { organizationWithAdmin } from '../helpers/fixtures';
import { headersModule, sessionCookieFor } from '../helpers/signed-in';

const jar = vi.hoisted(() => ({ cookie: null as string | null }));
vi.mock('next/headers', () => headersModule(jar));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

process.env.TEST_CLOCK = '1';
const credentials = await import('@/app/(portal)/credentials/actions');
const security = await import('@/app/(portal)/security/actions');
const support = await import('@/app/(portal)/support/actions');
const { setClockOffset } = await import('@/lib/clock');

async function signInAs(userId: string) {
  jar.cookie = (await sessionCookieFor(userId)).cookie;
}

beforeEach(() => setClockOffset(0));
afterAll(() => {
  setClockOffset(0);
  delete process.env.TEST_CLOCK;
});

describe('an organization that requires two-factor', () => {
  it('blocks its admins without a factor from every secret action until they enroll', async () => {
    const { org, actor } = await organizationWithAdmin();
    await signInAs(actor.userId);
    expect(await security.setTwoFactorRequirementAction({ required: true })).toEqual({ ok: true, required: true });

    expect(await credentials.createSecretAction()).toEqual({ ok: false, message: ENROLL_TO_MANAGE_SECRETS });
    expect(await credentials.getCredentialUsageAction({ credentialId: randomUUID() })).toEqual({
      ok: false,
      message: ENROLL_TO_MANAGE_SECRETS,
    });
    expect(await credentials.activateCredentialAction({ credentialId: randomUUID() })).toEqual({
      ok: false,
      message: ENROLL_TO_MANAGE_SECRETS,
    });
    expect(await prisma.credential.count({ where: { oauthClient: { organizationId: org.id } } })).toBe(0);

    await provisionTotp({ userId: actor.userId });
    expect((await credentials.createSecretAction()).ok).toBe(true);
  });

  it('does not hold back viewers (they manage nothing anyway), and only admins change the setting', async () => {
    const { org, actor } = await organizationWithAdmin();
    await prisma.organization.update({ where: { id: org.id }, data: { requireTwoFactor: true } });
    const viewer = await createMember({
      organizationId: org.id,
      email: `viewer-${randomUUID()}@example.test`,
      name: 'Vic',
      password: 'password-123',
      role: 'VIEWER',
    });
    await signInAs(viewer.id);
    const created = await credentials.createSecretAction();
    expect(created.ok).toBe(false);
    expect(created.ok === false && created.message).not.toBe(ENROLL_TO_MANAGE_SECRETS);
    expect(await security.setTwoFactorRequirementAction({ required: false })).toMatchObject({
      ok: false,
      message: 'This setting is not available to your account.',
    });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).requireTwoFactor).toBe(true);
    expect(actor.membership?.role).toBe('ADMIN');
  });
});

describe('support staff', () => {
  it('cannot use the support console before enrolling a factor', async () => {
    const { actor: admin } = await organizationWithAdmin();
    const user = await prisma.user.create({
      data: { email: `support-${randomUUID()}@platform.test`, name: 'Sam', passwordHash: 'x', platformRole: 'SUPPORT' },
    });
    await signInAs(user.id);
    const input = {
      organizationId: admin.membership!.organizationId,
      credentialId: randomUUID(),
      reason: 'Posted in a public forum thread',
    };
    expect(await support.emergencyDeactivateAction(input)).toEqual({ ok: false, message: ENROLL_TO_OPEN_SUPPORT });
    await provisionTotp({ userId: user.id });
    // Past the two-factor check: now the unknown secret is what refuses it.
    expect(await support.emergencyDeactivateAction(input)).not.toEqual({ ok: false, message: ENROLL_TO_OPEN_SUPPORT });
  });
});

describe('changing factors', () => {
  it('asks for a recent confirmation of identity', async () => {
    const { actor } = await organizationWithAdmin();
    await provisionTotp({ userId: actor.userId });
    await signInAs(actor.userId);
    setClockOffset(20 * 60_000);
    for (const call of [
      () => security.removeTotpAction(),
      () => security.beginTotpSetupAction(),
      () => security.startPasskeyRegistrationAction(),
      () => security.regenerateRecoveryCodesAction(),
      () => security.setTwoFactorRequirementAction({ required: true }),
      () => security.removePasskeyAction({ passkeyId: randomUUID() }),
    ]) {
      expect(await call()).toMatchObject({ ok: false, code: 'reauth_required' });
    }
    expect(await prisma.totpFactor.count({ where: { userId: actor.userId } })).toBe(1);
    setClockOffset(0);
    expect(await security.removeTotpAction()).toEqual({ ok: true });
  });
});

describe('removing a factor', () => {
  it('ends every other session of the user and keeps this one', async () => {
    const { actor } = await organizationWithAdmin();
    await provisionTotp({ userId: actor.userId });
    const elsewhere = await sessionCookieFor(actor.userId);
    await signInAs(actor.userId);
    expect(await security.removeTotpAction()).toEqual({ ok: true });
    const sessions = await prisma.userSession.findMany({
      where: { userId: actor.userId },
      orderBy: { createdAt: 'asc' },
    });
    expect(sessions.find((s) => s.id === elsewhere.sessionId)?.endedReason).toBe('factor_removed');
    expect(sessions.filter((s) => s.endedAt === null)).toHaveLength(1);
  });
});
