// Members and invitations against a real PostgreSQL: the token kept only as a hash and opened once, until
// exactly seven days; the last admin; and a removal that signs the member out of every session at once.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { createMember, setTwoFactorRequirement } from '@/lib/data/organizations';
import { getActorByUserId } from '@/lib/data/users';
import type { Actor } from '@/lib/identity/actor';
import { INVITATION_LIFETIME_MS, hashInvitationToken } from '@/lib/identity/invitation';
import { organizationWithAdmin, resetRateLimits } from '../helpers/fixtures';
import { headersModule, sessionCookieFor } from '../helpers/signed-in';

const jar = vi.hoisted(() => ({ cookie: null as string | null }));
vi.mock('next/headers', () => headersModule(jar));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const {
  acceptInvitationAsNewUser,
  acceptInvitationAsUser,
  changeMemberRole,
  findInvitationByToken,
  inviteMember,
  listInvitations,
  listMembers,
  removeMember,
  resendInvitation,
  revokeInvitation,
} = await import('@/lib/data/members');
const { acceptAsNewPerson } = await import('@/lib/auth/accept-invitation');
const { completeSignIn } = await import('@/lib/auth/sign-in');
const { getActor } = await import('@/lib/auth/session');
const { claimUndispatchedEvents } = await import('@/lib/data/events');
const { mailsForEvents } = await import('@/lib/data/event-mail');
const { inviteMemberAction } = await import('@/app/(portal)/members/actions');

const PASSWORD = 'test-password-123';
const context = { address: '198.51.100.30', userAgent: 'vitest' };

let owner: pg.Client;
beforeAll(async () => {
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  process.env.PORTAL_URL = 'https://portal.example.test';
});
afterAll(async () => {
  await owner.end();
});
beforeEach(async () => {
  jar.cookie = null;
  await resetRateLimits();
});
afterEach(() => {
  vi.useRealTimers();
});

const email = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.test`;

async function memberOf(organizationId: string, role: 'ADMIN' | 'VIEWER', name = role.toLowerCase()) {
  const user = await createMember({ organizationId, email: email(name), name, password: PASSWORD, role });
  return (await getActorByUserId({ userId: user.id })) as Actor;
}

/** Invites through the data layer and returns the token as the mail carries it (the outbox's event, opened). */
async function invite(actor: Actor, address: string, role: 'ADMIN' | 'VIEWER' = 'VIEWER') {
  const invited = await inviteMember({ actor, email: address, role, context });
  if (!invited.ok) throw new Error(invited.message);
  return { id: invited.invitation.id, token: await mailedToken(address) };
}

/** Dispatches the outbox and returns the token in the link of the last mail to `address`. */
async function mailedToken(address: string): Promise<string> {
  const mails = await prisma.$transaction(async (tx) => mailsForEvents(tx, await claimUndispatchedEvents(tx, 250)));
  const mail = mails.filter((m) => m.to === address).at(-1);
  const token = mail?.text.match(/#token=(inv_[A-Za-z0-9_-]+)/)?.[1];
  if (!token) throw new Error(`no invitation mailed to ${address}`);
  return token;
}

async function tableText(table: string): Promise<string> {
  const { rows } = await owner.query<{ row: string }>(`SELECT to_jsonb(t)::text AS row FROM "${table}" t`);
  return rows.map((r) => r.row).join('\n');
}

describe('inviting', () => {
  it('emails the invitee a link whose token is stored nowhere in plaintext, only as its SHA-256', async () => {
    const { actor } = await organizationWithAdmin('Acme');
    const address = email('ana');
    const invited = await inviteMember({ actor, email: address.toUpperCase(), role: 'VIEWER', context });
    expect(invited).toMatchObject({ ok: true, invitation: { email: address } });

    const mails = await prisma.$transaction(async (tx) => mailsForEvents(tx, await claimUndispatchedEvents(tx, 250)));
    const mail = mails.find((m) => m.to === address)!;
    expect(mail.subject).toBe('Acme admin invited you to Acme');
    expect(mail.text).toMatch(/https:\/\/portal\.example\.test\/invitation#token=inv_[A-Za-z0-9_-]{43}/);
    expect(mail.html).toContain('/invitation#token=inv_');
    const token = mail.text.match(/#token=(inv_[A-Za-z0-9_-]+)/)![1]!;

    const row = await prisma.invitation.findFirstOrThrow({ where: { email: address } });
    expect(row.tokenHash).toBe(hashInvitationToken(token));
    for (const table of ['invitations', 'events', 'audit_events']) expect(await tableText(table)).not.toContain(token);
    expect(await listInvitations({ actor })).toMatchObject([{ email: address, role: 'VIEWER', state: 'pending' }]);
  });

  it('refuses a second open invitation of the same person, and someone who is already a member', async () => {
    const { actor, org } = await organizationWithAdmin();
    const address = email('ben');
    await invite(actor, address);
    expect(await inviteMember({ actor, email: address, role: 'ADMIN' })).toMatchObject({
      ok: false,
      message: `${address} already has an open invitation. Resend it from the list instead.`,
      field: 'email',
    });
    const viewer = await memberOf(org.id, 'VIEWER');
    expect(await inviteMember({ actor, email: viewer.email, role: 'ADMIN' })).toMatchObject({
      ok: false,
      field: 'email',
    });
    expect(await prisma.invitation.count({ where: { organizationId: org.id } })).toBe(1);
  });

  it('is refused to viewers', async () => {
    const { org } = await organizationWithAdmin();
    const viewer = await memberOf(org.id, 'VIEWER');
    expect(await inviteMember({ actor: viewer, email: email('x'), role: 'ADMIN' })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(await prisma.invitation.count({ where: { organizationId: org.id } })).toBe(0);
  });

  it('asks an admin whose organization requires two-factor to enroll first', async () => {
    const { actor } = await organizationWithAdmin();
    await setTwoFactorRequirement({ actor, required: true });
    jar.cookie = (await sessionCookieFor(actor.userId)).cookie;
    expect(await inviteMemberAction({ email: email('y'), role: 'VIEWER' })).toEqual({
      ok: false,
      message: 'Your organization requires two-factor authentication. Set it up to manage members.',
    });
  });
});

describe('accepting', () => {
  it('makes the account and membership with the invited role, then signs the new person in', async () => {
    const { actor, org } = await organizationWithAdmin();
    const address = email('cleo');
    const { token } = await invite(actor, address, 'ADMIN');

    const accepted = await acceptAsNewPerson({ token, name: 'Cleo', password: PASSWORD, context });
    expect(accepted.ok).toBe(true);
    const signedIn = await completeSignIn({ token: (accepted as { signInToken: string }).signInToken, context });
    const user = await prisma.user.findUniqueOrThrow({ where: { email: address }, include: { memberships: true } });
    expect(signedIn?.userId).toBe(user.id);
    expect(user.memberships).toMatchObject([{ organizationId: org.id, role: 'ADMIN' }]);
    expect(user.lastSignInAt).not.toBeNull();
    expect(await prisma.auditEvent.count({ where: { organizationId: org.id, action: 'invitation_accepted' } })).toBe(1);
    expect(await listInvitations({ actor })).toEqual([]);
  });

  it('opens the link once: a second acceptance, even at the same moment, is refused', async () => {
    const { actor } = await organizationWithAdmin();
    const address = email('dan');
    const { token } = await invite(actor, address);
    const [a, b] = await Promise.all([
      acceptInvitationAsNewUser({ token, name: 'Dan', passwordHash: 'x' }),
      acceptInvitationAsNewUser({ token, name: 'Dan 2', passwordHash: 'y' }),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    expect(await prisma.user.count({ where: { email: address } })).toBe(1);
    expect(await acceptInvitationAsNewUser({ token, name: 'Dan 3', passwordHash: 'z' })).toMatchObject({
      ok: false,
      message: 'This invitation was already accepted. Sign in to continue.',
    });
    expect(await findInvitationByToken({ token })).toMatchObject({ ok: false });
  });

  it('opens until one millisecond before seven days, and not at exactly seven days', async () => {
    const { actor } = await organizationWithAdmin();
    const sentAt = new Date('2026-12-10T09:00:00.000Z');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(sentAt);
    const early = await invite(actor, email('eve'));
    const late = await invite(actor, email('fay'));
    const expiresAt = sentAt.getTime() + INVITATION_LIFETIME_MS;

    vi.setSystemTime(expiresAt - 1);
    expect(await findInvitationByToken({ token: early.token })).toMatchObject({ ok: true });
    expect(await acceptInvitationAsNewUser({ token: early.token, name: 'Eve', passwordHash: 'x' })).toMatchObject({
      ok: true,
    });

    vi.setSystemTime(expiresAt);
    expect(await findInvitationByToken({ token: late.token })).toMatchObject({ ok: false, code: 'expired' });
    expect(await acceptInvitationAsNewUser({ token: late.token, name: 'Fay', passwordHash: 'x' })).toEqual({
      ok: false,
      code: 'expired',
      message: 'This invitation has expired. Ask an admin of the organization to send you a new one.',
    });
    expect(await listInvitations({ actor })).toMatchObject([{ id: late.id, state: 'expired' }]);
  });

  it('stops the old link when the invitation is resent, and every link once revoked', async () => {
    const { actor } = await organizationWithAdmin();
    const address = email('gus');
    const { id, token: first } = await invite(actor, address);
    expect(await resendInvitation({ actor, invitationId: id })).toEqual({ ok: true });
    const second = await mailedToken(address);
    expect(second).not.toBe(first);
    expect(await findInvitationByToken({ token: first })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await findInvitationByToken({ token: second })).toMatchObject({ ok: true });

    expect(await revokeInvitation({ actor, invitationId: id })).toEqual({ ok: true });
    expect(await findInvitationByToken({ token: second })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await revokeInvitation({ actor, invitationId: id })).toMatchObject({ ok: false, code: 'not_found' });
  });

  it('refuses a made-up token, and a new account for an email that has one (its owner signs in instead)', async () => {
    const { actor, org } = await organizationWithAdmin();
    expect(await findInvitationByToken({ token: `inv_${'A'.repeat(43)}` })).toMatchObject({ ok: false });
    const other = await organizationWithAdmin();
    const existing = await memberOf(other.org.id, 'VIEWER');
    const { token } = await invite(actor, existing.email);
    expect(await findInvitationByToken({ token })).toMatchObject({ ok: true, invitation: { accountExists: true } });
    expect(await acceptAsNewPerson({ token, name: 'Someone', password: PASSWORD, context })).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    // Nothing was made: the invitation stays open for its owner to accept signed in.
    expect(await prisma.membership.count({ where: { organizationId: org.id } })).toBe(1);
    expect(await findInvitationByToken({ token })).toMatchObject({ ok: true });
  });

  it('lets the signed-in owner of an account without an organization join, and nobody else accept for them', async () => {
    const { actor, org } = await organizationWithAdmin();
    const loner = await prisma.user.create({ data: { email: email('hal'), name: 'Hal', passwordHash: 'x' } });
    const { token } = await invite(actor, loner.email, 'ADMIN');
    const stranger = await memberOf((await organizationWithAdmin()).org.id, 'ADMIN');
    expect(await acceptInvitationAsUser({ actor: stranger, token })).toMatchObject({ ok: false, code: 'forbidden' });
    const hal = (await getActorByUserId({ userId: loner.id })) as Actor;
    expect(await acceptInvitationAsUser({ actor: hal, token })).toEqual({ ok: true, role: 'ADMIN' });
    expect(await prisma.membership.findFirst({ where: { userId: loner.id } })).toMatchObject({
      organizationId: org.id,
      role: 'ADMIN',
    });
  });
});

describe('roles and the last admin', () => {
  it('makes a viewer an admin and back, audited', async () => {
    const { actor, org } = await organizationWithAdmin();
    const viewer = await memberOf(org.id, 'VIEWER');
    expect(await changeMemberRole({ actor, userId: viewer.userId, role: 'ADMIN' })).toEqual({ ok: true });
    expect(await changeMemberRole({ actor, userId: viewer.userId, role: 'VIEWER' })).toEqual({ ok: true });
    const events = await prisma.auditEvent.findMany({
      where: { organizationId: org.id, action: 'member_role_changed' },
      orderBy: { createdAt: 'asc' },
    });
    expect(events.map((e) => e.details)).toMatchObject([
      { email: viewer.email, from: 'VIEWER', to: 'ADMIN' },
      { email: viewer.email, from: 'ADMIN', to: 'VIEWER' },
    ]);
  });

  it('refuses to make the last admin a viewer or remove them, and changes nothing', async () => {
    const { actor, org } = await organizationWithAdmin();
    await memberOf(org.id, 'VIEWER');
    const lastAdmin = { ok: false, code: 'conflict' };
    expect(await changeMemberRole({ actor, userId: actor.userId, role: 'VIEWER' })).toMatchObject(lastAdmin);
    expect(await removeMember({ actor, userId: actor.userId })).toMatchObject(lastAdmin);
    expect(await prisma.membership.findFirst({ where: { userId: actor.userId } })).toMatchObject({ role: 'ADMIN' });
  });

  it('keeps one admin when two admins demote, or remove, each other at the same moment', async () => {
    for (const kind of ['demote', 'remove'] as const) {
      const { actor: a, org } = await organizationWithAdmin();
      const b = await memberOf(org.id, 'ADMIN');
      const act = (by: Actor, target: Actor) =>
        kind === 'demote'
          ? changeMemberRole({ actor: by, userId: target.userId, role: 'VIEWER' })
          : removeMember({ actor: by, userId: target.userId });
      const results = await Promise.all([act(a, b), act(b, a)]);
      expect(results.map((r) => r.ok).sort(), kind).toEqual([false, true]);
      expect(await prisma.membership.count({ where: { organizationId: org.id, role: 'ADMIN' } }), kind).toBe(1);
    }
  });

  it('finds nothing of another organization: its members look missing', async () => {
    const { actor } = await organizationWithAdmin();
    const other = await organizationWithAdmin();
    const viewer = await memberOf(other.org.id, 'VIEWER');
    expect(await changeMemberRole({ actor, userId: viewer.userId, role: 'ADMIN' })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await removeMember({ actor, userId: viewer.userId })).toMatchObject({ ok: false, code: 'not_found' });
    expect((await listMembers({ actor })).map((m) => m.email)).toEqual([actor.email]);
  });
});

describe('removing a member', () => {
  it('ends every session of theirs at once: each browser is signed out on its next request', async () => {
    const { actor, org } = await organizationWithAdmin();
    const viewer = await memberOf(org.id, 'VIEWER');
    const browsers = [await sessionCookieFor(viewer.userId), await sessionCookieFor(viewer.userId)];
    for (const browser of browsers) {
      jar.cookie = browser.cookie;
      expect((await getActor())?.userId).toBe(viewer.userId);
    }

    expect(await removeMember({ actor, userId: viewer.userId, context })).toEqual({ ok: true, sessionsEnded: 2 });

    for (const browser of browsers) {
      jar.cookie = browser.cookie;
      expect(await getActor(), 'the removed member is signed out').toBeNull();
    }
    expect(
      await prisma.userSession.count({ where: { userId: viewer.userId, endedReason: 'membership_removed' } }),
    ).toBe(2);
    const audit = await prisma.auditEvent.findFirstOrThrow({
      where: { organizationId: org.id, action: 'member_removed' },
    });
    expect(audit).toMatchObject({ actorId: actor.userId, details: { email: viewer.email, sessionsEnded: 2 } });
    expect((await listMembers({ actor })).map((m) => m.userId)).toEqual([actor.userId]);
  });
});
