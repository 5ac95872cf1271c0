import { beforeEach, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { organizationWithAdmin, resetRateLimits } from '../helpers/fixtures';
import { headersModule, sessionCookieFor } from '../helpers/signed-in';

const jar = vi.hoisted(() => ({ cookie: null as string | null }));
vi.mock('next/headers', () => headersModule(jar));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));
// Spied on, not replaced: the real argon2 runs; the tests count how often.
vi.mock('@/lib/identity/password', async (importOriginal) => {
  const original = await importOriginal<typeof import('@/lib/identity/password')>();
  return { ...original, verifyPassword: vi.fn(original.verifyPassword) };
});

const { getActor } = await import('@/lib/auth/session');
const { passwordStep, completeSignIn } = await import('@/lib/auth/sign-in');
const { endSessionByToken } = await import('@/lib/data/sessions');
const { endSessionAction, signOutEverywhereAction, changePasswordAction } = await import(
  '@/app/(portal)/security/account-actions'
);
const { verifyPassword } = await import('@/lib/identity/password');
const { setClockOffset } = await import('@/lib/clock');

const PASSWORD = 'test-password-123';
const context = { address: '198.51.100.20', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0 Safari/537.36' };

async function liveSessions(userId: string) {
  return prisma.userSession.count({ where: { userId, endedAt: null } });
}

beforeEach(async () => {
  jar.cookie = null;
  setClockOffset(0);
  await resetRateLimits();
});

describe('signing in', () => {
  it('allows the right password to become one server-side session, once', async () => {
    const { actor } = await organizationWithAdmin();
    const step = await passwordStep({ email: actor.email, password: PASSWORD, context });
    expect(step.status).toBe('verified');
    const token = (step as { token: string }).token;
    const signedIn = await completeSignIn({ token, context });
    expect(signedIn?.userId).toBe(actor.userId);
    // The same verified step cannot make a second session.
    expect(await completeSignIn({ token, context })).toBeNull();
    expect(await liveSessions(actor.userId)).toBe(1);
    const events = await prisma.auditEvent.findMany({ where: { actorId: actor.userId, action: 'sign_in_succeeded' } });
    expect(events).toHaveLength(1);
    expect(events[0]!.organizationId).toBe(actor.membership!.organizationId);
  });

  it('blocks a wrong password without a session, and records the failure for an existing account', async () => {
    const { actor } = await organizationWithAdmin();
    expect(await passwordStep({ email: actor.email, password: 'wrong-password', context })).toEqual({
      status: 'invalid',
    });
    expect(await liveSessions(actor.userId)).toBe(0);
    expect(await prisma.auditEvent.count({ where: { actorId: actor.userId, action: 'sign_in_failed' } })).toBe(1);
  });

  it('answers a throttled attempt before argon2 runs, even with the right password', async () => {
    const { actor } = await organizationWithAdmin();
    for (let i = 0; i < 5; i++) await passwordStep({ email: actor.email, password: `wrong-${i}`, context });
    const checksBefore = vi.mocked(verifyPassword).mock.calls.length;
    const throttled = await passwordStep({ email: actor.email, password: PASSWORD, context });
    expect(throttled.status).toBe('throttled');
    expect(vi.mocked(verifyPassword).mock.calls.length).toBe(checksBefore);
    expect(await prisma.auditEvent.count({ where: { actorId: actor.userId, action: 'sign_in_throttled' } })).toBe(1);
    // Another address is not held by this one's failures.
    expect(
      (
        await passwordStep({
          email: actor.email,
          password: PASSWORD,
          context: { ...context, address: '198.51.100.99' },
        })
      ).status,
    ).toBe('verified');
  });

  it('treats an unknown email exactly like a wrong password', async () => {
    expect(await passwordStep({ email: 'nobody@example.test', password: PASSWORD, context })).toEqual({
      status: 'invalid',
    });
  });
});

describe('sessions end on the server', () => {
  it('a cookie stops working once its session is signed out', async () => {
    const { actor } = await organizationWithAdmin();
    const signedIn = await sessionCookieFor(actor.userId);
    jar.cookie = signedIn.cookie;
    expect((await getActor())?.userId).toBe(actor.userId);
    await endSessionByToken({ token: signedIn.sessionToken });
    expect(await getActor()).toBeNull();
  });

  it('a session expires eight hours after sign-in', async () => {
    process.env.TEST_CLOCK = '1';
    const { actor } = await organizationWithAdmin();
    jar.cookie = (await sessionCookieFor(actor.userId)).cookie;
    setClockOffset(8 * 3600 * 1000 - 5000);
    expect(await getActor()).not.toBeNull();
    setClockOffset(8 * 3600 * 1000 + 1000);
    expect(await getActor()).toBeNull();
    delete process.env.TEST_CLOCK;
  });

  it('sign out everywhere ends every session of the user, this one included', async () => {
    const { actor } = await organizationWithAdmin();
    const here = await sessionCookieFor(actor.userId);
    const elsewhere = await sessionCookieFor(actor.userId);
    jar.cookie = here.cookie;
    expect(await signOutEverywhereAction()).toEqual({ ok: true, ended: 2 });
    expect(await getActor()).toBeNull();
    jar.cookie = elsewhere.cookie;
    expect(await getActor()).toBeNull();
    expect(await prisma.auditEvent.count({ where: { actorId: actor.userId, action: 'session_ended' } })).toBe(2);
  });

  it("signs out one other session, and cannot name another user's session", async () => {
    const { actor } = await organizationWithAdmin();
    const { actor: stranger } = await organizationWithAdmin();
    const strangers = await sessionCookieFor(stranger.userId);
    const here = await sessionCookieFor(actor.userId);
    const elsewhere = await sessionCookieFor(actor.userId);
    jar.cookie = here.cookie;
    expect(await endSessionAction({ sessionId: strangers.sessionId })).toMatchObject({ ok: false });
    expect(await liveSessions(stranger.userId)).toBe(1);
    expect(await endSessionAction({ sessionId: elsewhere.sessionId })).toEqual({ ok: true, current: false });
    expect(await getActor()).not.toBeNull();
    jar.cookie = elsewhere.cookie;
    expect(await getActor()).toBeNull();
  });

  it('removing a user from the organization ends their sessions at once, by any route', async () => {
    const { actor, org } = await organizationWithAdmin();
    jar.cookie = (await sessionCookieFor(actor.userId)).cookie;
    expect(await getActor()).not.toBeNull();
    await prisma.$executeRaw`DELETE FROM memberships WHERE user_id = ${actor.userId}::uuid`;
    expect(await getActor()).toBeNull();
    const ended = await prisma.userSession.findFirstOrThrow({ where: { userId: actor.userId } });
    expect(ended.endedReason).toBe('membership_removed');
    expect(await prisma.auditEvent.count({ where: { organizationId: org.id, action: 'session_ended' } })).toBe(1);
  });

  it('changing the password ends the other sessions and keeps this one', async () => {
    const { actor } = await organizationWithAdmin();
    const here = await sessionCookieFor(actor.userId);
    const elsewhere = await sessionCookieFor(actor.userId);
    jar.cookie = here.cookie;
    const wrong = await changePasswordAction({
      currentPassword: 'not-it',
      newPassword: 'a-brand-new-password',
      confirmPassword: 'a-brand-new-password',
    });
    expect(wrong).toMatchObject({ ok: false, fieldErrors: { currentPassword: 'That is not your current password.' } });
    const weak = await changePasswordAction({
      currentPassword: PASSWORD,
      newPassword: 'short',
      confirmPassword: 'short',
    });
    expect(weak).toMatchObject({ ok: false, fieldErrors: { newPassword: 'Use at least 12 characters.' } });
    expect(await liveSessions(actor.userId)).toBe(2);

    const changed = await changePasswordAction({
      currentPassword: PASSWORD,
      newPassword: 'a-brand-new-password',
      confirmPassword: 'a-brand-new-password',
    });
    expect(changed).toEqual({ ok: true, endedSessions: 1 });
    expect(await getActor()).not.toBeNull();
    jar.cookie = elsewhere.cookie;
    expect(await getActor()).toBeNull();
    expect((await passwordStep({ email: actor.email, password: PASSWORD, context })).status).toBe('invalid');
    expect((await passwordStep({ email: actor.email, password: 'a-brand-new-password', context })).status).toBe(
      'verified',
    );
  });
});

describe('the second-factor step', () => {
  it('allows a valid authenticator code once, and counts a wrong one like a wrong password', async () => {
    const { provisionTotp } = await import('@/lib/data/two-factor');
    const { secondFactorStep } = await import('@/lib/auth/sign-in');
    const { generate } = await import('otplib');
    const { actor } = await organizationWithAdmin();
    const { secret } = await provisionTotp({ userId: actor.userId });
    const code = (offset = 0) => generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });

    const first = await passwordStep({ email: actor.email, password: PASSWORD, context });
    expect(first).toMatchObject({ status: 'second_factor', methods: { totp: true, passkey: false, recovery: true } });
    const token = (first as { token: string }).token;
    // Without the second factor the sign-in cannot become a session.
    expect(await completeSignIn({ token, context })).toBeNull();

    const wrong = await secondFactorStep({
      token,
      answer: { method: 'totp', code: '000000' === (await code()) ? '111111' : '000000' },
      context,
    });
    expect(wrong).toEqual({ status: 'invalid' });
    expect(
      await prisma.auditEvent.count({
        where: {
          actorId: actor.userId,
          action: 'sign_in_failed',
          details: { path: ['stage'], equals: 'second_factor' },
        },
      }),
    ).toBe(1);

    expect(await secondFactorStep({ token, answer: { method: 'totp', code: await code() }, context })).toEqual({
      status: 'verified',
      token,
    });
    expect((await completeSignIn({ token, context }))?.userId).toBe(actor.userId);
  });

  it('throttles a run of wrong codes and abandons the sign-in after five', async () => {
    const { provisionTotp } = await import('@/lib/data/two-factor');
    const { secondFactorStep } = await import('@/lib/auth/sign-in');
    const { actor } = await organizationWithAdmin();
    await provisionTotp({ userId: actor.userId });
    const first = await passwordStep({ email: actor.email, password: PASSWORD, context });
    const token = (first as { token: string }).token;
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push((await secondFactorStep({ token, answer: { method: 'totp', code: `99999${i}` }, context })).status);
    // Four wrong codes, the fifth tips the pair's count over: throttled; the sign-in is gone after it.
    expect(answers.slice(0, 4)).toEqual(['invalid', 'invalid', 'invalid', 'invalid']);
    expect(answers[4]).toBe('throttled');
    expect(answers[5]).toBe('expired');
  });
});

describe('retention', () => {
  it('deletes sessions a month after they ended or expired, and keeps live and recent ones', async () => {
    const { pruneExpiredRecords, SESSION_RETENTION_DAYS } = await import('@/lib/jobs/retention');
    const { actor } = await organizationWithAdmin();
    const now = new Date('2026-12-07T12:00:00.000Z');
    const day = 86_400_000;
    const at = (daysAgo: number, ms = 0) => new Date(now.getTime() - daysAgo * day + ms);
    const session = (name: string, fields: { endedAt?: Date; expiresAt: Date }) =>
      prisma.userSession.create({
        data: {
          userId: actor.userId,
          tokenHash: name.padEnd(64, '0'),
          lastSeenAt: at(40),
          reauthenticatedAt: at(40),
          ...fields,
        },
        select: { tokenHash: true },
      });
    await session('a', { endedAt: at(SESSION_RETENTION_DAYS, -1), expiresAt: at(SESSION_RETENTION_DAYS, 1) });
    await session('b', { expiresAt: at(SESSION_RETENTION_DAYS, -1) });
    await session('c', { endedAt: at(SESSION_RETENTION_DAYS), expiresAt: now });
    await session('d', { expiresAt: new Date(now.getTime() + day) });

    await pruneExpiredRecords(now);

    const left = await prisma.userSession.findMany({ where: { userId: actor.userId }, select: { tokenHash: true } });
    expect(left.map((s) => s.tokenHash[0]).sort()).toEqual(['c', 'd']);
  });
});
