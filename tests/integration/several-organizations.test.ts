// A person in several organizations, against a real PostgreSQL: the session works in one organization,
// chosen on the server; every read, server action and data function acts on that one alone; a switch to an
// organization the person is not in changes nothing; removal from one leaves the others working and the
// removed one out of reach by any path; and an existing account accepting an invitation gains a membership.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { createMember, setTwoFactorRequirement } from '@/lib/data/organizations';
import { getActorByUserId } from '@/lib/data/users';
import { listCredentials } from '@/lib/data/credential-queries';
import { deactivateCredential } from '@/lib/data/credential-commands';
import { open } from '@/lib/crypto/sealed';
import type { Actor } from '@/lib/identity/actor';
import { organizationWithAdmin, resetRateLimits } from '../helpers/fixtures';
import { headersModule, sessionCookieFor } from '../helpers/signed-in';

const jar = vi.hoisted(() => ({ cookie: null as string | null }));
vi.mock('next/headers', () => headersModule(jar));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const { getActor } = await import('@/lib/auth/session');
const { createSession } = await import('@/lib/data/sessions');
const { createSignInChallenge } = await import('@/lib/data/auth-challenges');
const { completeSignIn } = await import('@/lib/auth/sign-in');
const { inviteMember, listMembers, removeMember } = await import('@/lib/data/members');
const credentials = await import('@/app/(portal)/credentials/actions');
const portal = await import('@/app/(portal)/actions');
const invitation = await import('@/app/invitation/actions');

const PASSWORD = 'test-password-123';
const NOT_YOURS = {
  ok: false,
  message: 'This organization is not one of yours. Reload the page to see your organizations.',
};
const SECRET_NOT_FOUND = {
  ok: false,
  message: 'This secret no longer exists. Reload the page to see the current list.',
};

beforeEach(async () => {
  jar.cookie = null;
  await resetRateLimits();
});
afterEach(() => {
  jar.cookie = null;
});

/**
 * Two organizations, Alpha and Beta, each with its own admin and an active secret, and a person who is a member
 * of both: of Alpha first (the oldest membership, where a sign-in lands), of Beta a minute later.
 */
async function personInTwo(roles: { alpha: 'ADMIN' | 'VIEWER'; beta: 'ADMIN' | 'VIEWER' } = defaultRoles) {
  const alpha = await organizationWithAdmin('Alpha');
  const beta = await organizationWithAdmin('Beta');
  const person = await createMember({
    organizationId: alpha.org.id,
    email: `pat-${randomUUID().slice(0, 8)}@example.test`,
    name: 'Pat',
    password: PASSWORD,
    role: roles.alpha,
  });
  await prisma.membership.create({
    data: {
      userId: person.id,
      organizationId: beta.org.id,
      role: roles.beta,
      createdAt: new Date(Date.now() + 60_000),
    },
  });
  const [alphaSecret, betaSecret] = [await alpha.secret('ACTIVE'), await beta.secret('ACTIVE')];
  return { alpha, beta, person, alphaSecret, betaSecret };
}
const defaultRoles = { alpha: 'ADMIN', beta: 'ADMIN' } as const;

async function signIn(userId: string) {
  const signedIn = await sessionCookieFor(userId);
  jar.cookie = signedIn.cookie;
  return signedIn;
}

async function statusOf(credentialId: string) {
  return (await prisma.credential.findUniqueOrThrow({ where: { id: credentialId } })).status;
}

async function organizationOfCredential(credentialId: string) {
  const row = await prisma.credential.findUniqueOrThrow({
    where: { id: credentialId },
    select: { oauthClient: { select: { organizationId: true } } },
  });
  return row.oauthClient.organizationId;
}

describe('a person in two organizations', () => {
  it('works in the chosen organization alone: reads, server actions and data functions', async () => {
    const { alpha, beta, person, alphaSecret, betaSecret } = await personInTwo();
    // A sign-in as the form makes it: one audit row, in the organization the session lands in.
    const verified = await createSignInChallenge({ userId: person.id, verified: true, context: {} });
    expect(await completeSignIn({ token: verified.token, context: {} })).toMatchObject({ userId: person.id });
    const { sessionId } = await signIn(person.id);

    // Signed in, the session works in the oldest membership.
    expect((await getActor())?.membership).toMatchObject({ organizationId: alpha.org.id, organizationName: 'Alpha' });
    const inAlpha = await credentials.createSecretAction();
    expect(inAlpha.ok).toBe(true);
    expect(await organizationOfCredential((inAlpha as { secret: { id: string } }).secret.id)).toBe(alpha.org.id);
    expect(await credentials.deactivateCredentialAction({ credentialId: betaSecret.id })).toEqual(SECRET_NOT_FOUND);
    expect(await statusOf(betaSecret.id)).toBe('ACTIVE');

    expect(await portal.switchOrganizationAction({ organizationId: beta.org.id })).toEqual({
      ok: true,
      organizationId: beta.org.id,
    });

    const actor = (await getActor()) as Actor;
    expect(actor.membership).toMatchObject({ organizationId: beta.org.id, organizationName: 'Beta', role: 'ADMIN' });
    // What the Credentials page lists: Beta's, never Alpha's.
    const listed = (await listCredentials({ organizationId: actor.membership!.organizationId })).map((c) => c.id);
    expect(listed).toContain(betaSecret.id);
    expect(listed).not.toContain(alphaSecret.id);
    // Alpha's secret now looks missing to the same browser; Beta's changes.
    expect(await credentials.deactivateCredentialAction({ credentialId: alphaSecret.id })).toEqual(SECRET_NOT_FOUND);
    expect(await statusOf(alphaSecret.id)).toBe('ACTIVE');
    expect(await credentials.deactivateCredentialAction({ credentialId: betaSecret.id })).toMatchObject({ ok: true });
    expect(await statusOf(betaSecret.id)).toBe('DISABLED');
    // The data layer, with the actor of that session, scopes the same way.
    expect(await deactivateCredential({ actor, credentialId: alphaSecret.id })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await statusOf(alphaSecret.id)).toBe('ACTIVE');

    // The switch is one row in Beta's trail; the sign-in one row in Alpha's, not one per membership.
    const trail = await prisma.auditEvent.findMany({
      where: { actorId: person.id, action: { in: ['sign_in_succeeded', 'organization_switched'] } },
      select: { organizationId: true, action: true, details: true },
    });
    expect(trail).toHaveLength(1 + 1);
    expect(trail.find((row) => row.action === 'sign_in_succeeded')?.organizationId).toBe(alpha.org.id);
    expect(trail.find((row) => row.action === 'organization_switched')).toMatchObject({
      organizationId: beta.org.id,
      details: { sessionId, fromOrganizationId: alpha.org.id },
    });
    // The Members page lists Beta's members: Pat and Beta's admin.
    expect((await listMembers({ actor })).map((m) => m.userId).sort()).toEqual([person.id, beta.actor.userId].sort());
  });

  it('refuses a switch to an organization the person is not in, and changes nothing', async () => {
    const { alpha, person } = await personInTwo();
    const stranger = await organizationWithAdmin('Gamma');
    const { sessionId } = await signIn(person.id);
    const trailBefore = await prisma.auditEvent.count({ where: { actorId: person.id } });

    expect(await portal.switchOrganizationAction({ organizationId: stranger.org.id })).toEqual(NOT_YOURS);
    // An organization that does not exist gets the same answer: "not yours" is "not found".
    expect(await portal.switchOrganizationAction({ organizationId: randomUUID() })).toEqual(NOT_YOURS);
    expect(await portal.switchOrganizationAction({ organizationId: 'alpha' })).toMatchObject({ ok: false });
    expect(await portal.switchOrganizationAction({ organizationId: stranger.org.id, role: 'ADMIN' })).toMatchObject({
      ok: false,
    });

    expect((await prisma.userSession.findUniqueOrThrow({ where: { id: sessionId } })).organizationId).toBe(
      alpha.org.id,
    );
    expect((await getActor())?.membership?.organizationId).toBe(alpha.org.id);
    expect(await prisma.auditEvent.count({ where: { actorId: person.id } })).toBe(trailBefore);

    // Signed out, nothing to switch.
    jar.cookie = null;
    expect(await portal.switchOrganizationAction({ organizationId: alpha.org.id })).toEqual({
      ok: false,
      message: 'Your session has ended. Sign in again to continue.',
    });
  });

  it('after removal from one organization, the other keeps working and the removed one is out of reach', async () => {
    const { alpha, beta, person, alphaSecret, betaSecret } = await personInTwo();
    const first = await signIn(person.id);
    expect(await portal.switchOrganizationAction({ organizationId: alpha.org.id })).toMatchObject({ ok: true });

    expect(await removeMember({ actor: alpha.actor, userId: person.id })).toMatchObject({ ok: true });

    // The trigger on the membership's DELETE ended the session: its next request is signed out.
    expect(await getActor()).toBeNull();
    expect(await portal.switchOrganizationAction({ organizationId: beta.org.id })).toMatchObject({ ok: false });
    expect((await prisma.userSession.findUniqueOrThrow({ where: { id: first.sessionId } })).endedReason).toBe(
      'membership_removed',
    );

    // Signing in again lands in the remaining organization, even when Alpha is asked for.
    const again = await createSession({ userId: person.id, organizationId: alpha.org.id });
    expect(again.organizationId).toBe(beta.org.id);
    await signIn(person.id);
    expect((await getActor())?.membership?.organizationId).toBe(beta.org.id);
    expect(await portal.switchOrganizationAction({ organizationId: alpha.org.id })).toEqual(NOT_YOURS);
    expect(await credentials.deactivateCredentialAction({ credentialId: alphaSecret.id })).toEqual(SECRET_NOT_FOUND);
    expect(await statusOf(alphaSecret.id)).toBe('ACTIVE');
    expect(await credentials.deactivateCredentialAction({ credentialId: betaSecret.id })).toMatchObject({ ok: true });

    // Even naming Alpha directly to the data layer gives the person's remaining membership, never Alpha.
    const named = await getActorByUserId({ userId: person.id, organizationId: alpha.org.id });
    expect(named?.membership?.organizationId).toBe(beta.org.id);
    expect((await listMembers({ actor: alpha.actor })).map((m) => m.userId)).not.toContain(person.id);
  });

  it('keeps the last-admin rule per organization', async () => {
    // Pat is Beta's only admin (Beta's own admin is made a viewer) and one of Alpha's two.
    const { alpha, beta, person } = await personInTwo();
    await prisma.membership.updateMany({
      where: { userId: beta.actor.userId, organizationId: beta.org.id },
      data: { role: 'VIEWER' },
    });
    const patInBeta = (await getActorByUserId({ userId: person.id, organizationId: beta.org.id })) as Actor;
    expect(await removeMember({ actor: patInBeta, userId: person.id })).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    // Being Beta's last admin does not keep Pat in Alpha.
    expect(await removeMember({ actor: alpha.actor, userId: person.id })).toMatchObject({ ok: true });
    expect(
      await prisma.membership.findMany({ where: { userId: person.id }, select: { organizationId: true } }),
    ).toEqual([{ organizationId: beta.org.id }]);
  });
});

/** Invites through the data layer; returns the token the mail carries (the outbox's event, opened). */
async function invite(actor: Actor, email: string, role: 'ADMIN' | 'VIEWER') {
  const invited = await inviteMember({ actor, email, role });
  if (!invited.ok) throw new Error(invited.message);
  const event = await prisma.event.findFirstOrThrow({
    where: { type: 'invitation.sent', data: { path: ['invitation_id'], equals: invited.invitation.id } },
  });
  return open(`invitation:${invited.invitation.id}`, (event.data as { token_sealed: string }).token_sealed).toString();
}

describe('an existing account accepting an invitation to another organization', () => {
  it('gains a second membership and its session lands there with the invited role', async () => {
    const home = await organizationWithAdmin('Home');
    const inviting = await organizationWithAdmin('Inviting');
    const person = await createMember({
      organizationId: home.org.id,
      email: `ria-${randomUUID().slice(0, 8)}@example.test`,
      name: 'Ria',
      password: PASSWORD,
      role: 'ADMIN',
    });
    const token = await invite(inviting.actor, person.email, 'VIEWER');
    await signIn(person.id);
    expect((await getActor())?.membership?.organizationId).toBe(home.org.id);

    expect(await invitation.acceptInvitationAction({ token })).toEqual({ ok: true, role: 'VIEWER' });

    expect((await getActor())?.membership).toMatchObject({
      organizationId: inviting.org.id,
      organizationName: 'Inviting',
      role: 'VIEWER',
    });
    expect(
      (await prisma.membership.findMany({ where: { userId: person.id }, select: { organizationId: true } }))
        .map((m) => m.organizationId)
        .sort(),
    ).toEqual([home.org.id, inviting.org.id].sort());
    expect(
      await prisma.auditEvent.count({ where: { organizationId: inviting.org.id, action: 'invitation_accepted' } }),
    ).toBe(1);
    expect(
      await prisma.auditEvent.count({ where: { organizationId: home.org.id, action: 'invitation_accepted' } }),
    ).toBe(0);
    // A viewer there, still an admin at home.
    expect(await credentials.createSecretAction()).toMatchObject({ ok: false });
    expect(await portal.switchOrganizationAction({ organizationId: home.org.id })).toMatchObject({ ok: true });
    expect(await credentials.createSecretAction()).toMatchObject({ ok: true });
    // The link opened once; a member is not invited again.
    expect(await invitation.acceptInvitationAction({ token })).toMatchObject({ ok: false });
    expect(await inviteMember({ actor: inviting.actor, email: person.email, role: 'ADMIN' })).toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
  });

  it('applies each organization’s two-factor rule for admins there alone', async () => {
    const home = await organizationWithAdmin('Relaxed');
    const strict = await organizationWithAdmin('Strict');
    expect(await setTwoFactorRequirement({ actor: strict.actor, required: true })).toMatchObject({ ok: true });
    const person = await createMember({
      organizationId: home.org.id,
      email: `max-${randomUUID().slice(0, 8)}@example.test`,
      name: 'Max',
      password: PASSWORD,
      role: 'ADMIN',
    });
    const token = await invite(strict.actor, person.email, 'ADMIN');
    await signIn(person.id);
    expect(await invitation.acceptInvitationAction({ token })).toEqual({ ok: true, role: 'ADMIN' });

    // An admin of Strict without a second factor manages nothing there until they enroll…
    const refused = await credentials.createSecretAction();
    expect(refused).toMatchObject({ ok: false, message: expect.stringMatching(/two-factor/i) });
    expect(await prisma.credential.count({ where: { oauthClient: { organizationId: strict.org.id } } })).toBe(0);
    // …and still manages their other organization, which does not require it.
    expect(await portal.switchOrganizationAction({ organizationId: home.org.id })).toMatchObject({ ok: true });
    expect(await credentials.createSecretAction()).toMatchObject({ ok: true });
  });
});

describe('tenants with a person in two of them', () => {
  it('adds an existing tenant member to another tenant, and deletes the account with its last tenant only', async () => {
    const { addTenantMember, createTenant, deleteTenant } = await import('@/lib/data/tenants');
    const made = await Promise.all([createTenant({ name: 'Suite home' }), createTenant({ name: 'Suite other' })]);
    const [home, other] = made.map((result) => {
      if (!result.ok) throw new Error(result.message);
      return result.tenant;
    });
    const customer = await organizationWithAdmin('Customer');

    expect(
      await addTenantMember({ organizationId: other!.organizationId, email: home!.admin.email, role: 'VIEWER' }),
    ).toMatchObject({
      ok: true,
    });
    expect(
      await addTenantMember({ organizationId: other!.organizationId, email: home!.admin.email, role: 'ADMIN' }),
    ).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    // A customer's people are never added to a tenant, nor anyone to a customer's organization.
    expect(
      await addTenantMember({ organizationId: other!.organizationId, email: customer.actor.email, role: 'ADMIN' }),
    ).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(
      await addTenantMember({ organizationId: customer.org.id, email: home!.admin.email, role: 'ADMIN' }),
    ).toMatchObject({
      ok: false,
      code: 'not_found',
    });

    const person = await prisma.user.findUniqueOrThrow({ where: { email: home!.admin.email } });
    expect(await deleteTenant({ organizationId: other!.organizationId })).toMatchObject({ ok: true, deletedUsers: 1 });
    expect(
      await prisma.membership.findMany({ where: { userId: person.id }, select: { organizationId: true } }),
    ).toEqual([{ organizationId: home!.organizationId }]);
    expect(await deleteTenant({ organizationId: home!.organizationId })).toMatchObject({ ok: true, deletedUsers: 1 });
    expect(await prisma.user.count({ where: { id: person.id } })).toBe(0);
  });
});
