import { prisma } from '@/lib/db';
import { now } from '@/lib/clock';
import { seal } from '@/lib/crypto/sealed';
import { Prisma } from '@/lib/generated/prisma/client';
import type { Role } from '@/lib/generated/prisma/enums';
import { INVITATION_SENT, type InvitationSentData } from '@/lib/events/mail';
import { canManageMembers, type Actor } from '@/lib/identity/actor';
import {
  INVITATION_LIFETIME_MS,
  LAST_ADMIN_MESSAGE,
  closedInvitationMessage,
  hashInvitationToken,
  invitationState,
  isInvitationToken,
  newInvitationToken,
  type InvitationState,
} from '@/lib/identity/invitation';
import { conflict, fail, forbidden, invalidInput, notFound, type Result } from '@/lib/result';
import { recordAccountEvent, recordOrganizationEvent, type RequestContext } from '@/lib/data/audit';
import { recordEvents } from '@/lib/data/events';
import { normalizeEmail } from '@/lib/data/users';
import { moveSessionTo } from '@/lib/data/sessions';

/**
 * The one home of `memberships` changes made by people (who belongs to an organization, with which role) and
 * of `invitations`. Every command is an admin's, scoped to the admin's organization in its `where` ("not
 * yours" is "not found"), and writes its audit row in its transaction. The rule that an organization keeps
 * an admin is a condition of the write itself, under a lock on the organization's row, so that two admins
 * demoting or removing each other at the same instant cannot both succeed.
 */

const ADMINS_ONLY = 'You need the Admin role to manage members.';
const MEMBER_GONE = 'This person is no longer a member. Reload the page to see the current list.';
const INVITATION_GONE = 'This invitation is no longer open. Reload the page to see the current list.';

type Tx = Prisma.TransactionClient;

export interface MemberView {
  userId: string;
  name: string;
  email: string;
  role: Role;
  twoFactorEnabled: boolean;
  lastSignInAt: Date | null;
  joinedAt: Date;
}

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  invitedByName: string | null;
  createdAt: Date;
  expiresAt: Date;
  /** Open invitations only: pending, or expired and not yet replaced (Resend sends a new link). */
  state: Extract<InvitationState, 'pending' | 'expired'>;
}

/** The members of one organization, admins first, then by name. */
export async function listOrganizationMembers({ organizationId }: { organizationId: string }): Promise<MemberView[]> {
  const rows = await prisma.membership.findMany({
    where: { organizationId },
    select: {
      role: true,
      createdAt: true,
      user: {
        select: {
          id: true,
          name: true,
          email: true,
          lastSignInAt: true,
          totpFactor: { select: { confirmedAt: true } },
          _count: { select: { passkeys: true } },
        },
      },
    },
    orderBy: [{ role: 'asc' }, { user: { name: 'asc' } }, { userId: 'asc' }],
  });
  return rows.map((row) => ({
    userId: row.user.id,
    name: row.user.name,
    email: row.user.email,
    role: row.role,
    twoFactorEnabled: Boolean(row.user.totpFactor?.confirmedAt) || row.user._count.passkeys > 0,
    lastSignInAt: row.user.lastSignInAt,
    joinedAt: row.createdAt,
  }));
}

/** The open invitations of one organization (not accepted, not revoked), newest first. */
export async function listOrganizationInvitations({
  organizationId,
}: {
  organizationId: string;
}): Promise<InvitationView[]> {
  const rows = await prisma.invitation.findMany({
    where: { organizationId, acceptedAt: null, revokedAt: null },
    select: {
      id: true,
      email: true,
      role: true,
      createdAt: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      invitedBy: { select: { name: true } },
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
  });
  const at = now();
  return rows.map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    invitedByName: row.invitedBy?.name ?? null,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    state: invitationState(row, at) === 'expired' ? 'expired' : 'pending',
  }));
}

/** The actor's organization's members: every member may see who else is in it. */
export async function listMembers({ actor }: { actor: Actor }): Promise<MemberView[]> {
  return actor.membership ? listOrganizationMembers({ organizationId: actor.membership.organizationId }) : [];
}

export async function listInvitations({ actor }: { actor: Actor }): Promise<InvitationView[]> {
  return actor.membership ? listOrganizationInvitations({ organizationId: actor.membership.organizationId }) : [];
}

/** The organizations the user belongs to, by name: what the organization switcher lists. */
export async function listOwnOrganizations({ userId }: { userId: string }) {
  const rows = await prisma.membership.findMany({
    where: { userId },
    select: { role: true, organization: { select: { id: true, name: true } } },
    orderBy: [{ organization: { name: 'asc' } }, { organizationId: 'asc' }],
  });
  return rows.map((row) => ({ id: row.organization.id, name: row.organization.name, role: row.role }));
}

/** Locks the organization's row for the rest of the transaction: member changes of one organization queue. */
async function lockOrganization(tx: Tx, organizationId: string): Promise<boolean> {
  // NO KEY UPDATE: serializes member changes without blocking rows that merely reference the organization.
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR NO KEY UPDATE`;
  return locked.length === 1;
}

/** The outbox event that mails the invitee their link; the token is sealed under the invitation's id. */
async function recordInvitationMail(
  tx: Tx,
  input: { actor: Actor & { membership: NonNullable<Actor['membership']> }; id: string; email: string; role: Role },
  token: string,
  expiresAt: Date,
) {
  const data: InvitationSentData = {
    organization_id: input.actor.membership.organizationId,
    organization_name: input.actor.membership.organizationName,
    invitation_id: input.id,
    email: input.email,
    role: input.role,
    inviter_name: input.actor.name,
    expires_at: expiresAt.toISOString(),
    token_sealed: seal(`invitation:${input.id}`, Buffer.from(token)),
  };
  await recordEvents(tx, [
    { organizationId: input.actor.membership.organizationId, type: INVITATION_SENT, data: { ...data } },
  ]);
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Invites a person by email with a role, and mails them a link (through the outbox, so that a rolled-back
 * invitation mails nobody). An invitation that expired unanswered is closed first, so the same person can be
 * invited again; an open one is refused (Resend it instead).
 */
export async function inviteMember({
  actor,
  email,
  role,
  context,
}: {
  actor: Actor;
  email: string;
  role: Role;
  context?: RequestContext;
}): Promise<Result<{ invitation: { id: string; email: string } }>> {
  if (!canManageMembers(actor)) return forbidden(ADMINS_ONLY);
  const address = normalizeEmail(email);
  if (!EMAIL.test(address) || address.length > 254) return invalidInput('Enter an email address.', 'email');
  const { organizationId } = actor.membership;
  const token = newInvitationToken();
  const at = now();
  const expiresAt = new Date(at.getTime() + INVITATION_LIFETIME_MS);
  try {
    return await prisma.$transaction(async (tx) => {
      if (!(await lockOrganization(tx, organizationId))) return forbidden(ADMINS_ONLY);
      const member = await tx.membership.count({ where: { organizationId, user: { email: address } } });
      if (member > 0)
        return invalidInput(`${address} is already a member of ${actor.membership.organizationName}.`, 'email');
      await tx.invitation.updateMany({
        where: { organizationId, email: address, acceptedAt: null, revokedAt: null, expiresAt: { lte: at } },
        data: { revokedAt: at },
      });
      const invitation = await tx.invitation.create({
        data: {
          organizationId,
          email: address,
          role,
          tokenHash: hashInvitationToken(token),
          invitedById: actor.userId,
          createdAt: at,
          expiresAt,
        },
        select: { id: true, email: true },
      });
      await recordOrganizationEvent(tx, {
        organizationId,
        actor,
        action: 'member_invited',
        details: { invitationId: invitation.id, email: address, role },
        context,
      });
      await recordInvitationMail(tx, { actor, id: invitation.id, email: address, role }, token, expiresAt);
      return { ok: true as const, invitation };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      return invalidInput(`${address} already has an open invitation. Resend it from the list instead.`, 'email');
    throw error;
  }
}

/**
 * Sends an open invitation again with a new link, valid seven days from now: the previous link stops working
 * (its hash is replaced), so only the newest mail opens.
 */
export async function resendInvitation({
  actor,
  invitationId,
  context,
}: {
  actor: Actor;
  invitationId: string;
  context?: RequestContext;
}): Promise<Result> {
  if (!canManageMembers(actor)) return forbidden(ADMINS_ONLY);
  const { organizationId } = actor.membership;
  const token = newInvitationToken();
  const at = now();
  const expiresAt = new Date(at.getTime() + INVITATION_LIFETIME_MS);
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.invitation.updateManyAndReturn({
      where: { id: invitationId, organizationId, acceptedAt: null, revokedAt: null },
      data: { tokenHash: hashInvitationToken(token), expiresAt },
      select: { id: true, email: true, role: true },
    });
    if (!row) return notFound(INVITATION_GONE);
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: 'invitation_resent',
      details: { invitationId: row.id, email: row.email, role: row.role },
      context,
    });
    await recordInvitationMail(tx, { actor, ...row }, token, expiresAt);
    return { ok: true as const };
  });
}

/** Closes an open invitation: its link stops working at once. */
export async function revokeInvitation({
  actor,
  invitationId,
  context,
}: {
  actor: Actor;
  invitationId: string;
  context?: RequestContext;
}): Promise<Result> {
  if (!canManageMembers(actor)) return forbidden(ADMINS_ONLY);
  const { organizationId } = actor.membership;
  return prisma.$transaction(async (tx) => {
    const [row] = await tx.invitation.updateManyAndReturn({
      where: { id: invitationId, organizationId, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now() },
      select: { id: true, email: true, role: true },
    });
    if (!row) return notFound(INVITATION_GONE);
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: 'invitation_revoked',
      details: { invitationId: row.id, email: row.email, role: row.role },
      context,
    });
    return { ok: true as const };
  });
}

/** Why a conditional member write changed nothing: the person is not a member here, or is the last admin. */
async function whyUnchanged(tx: Tx, organizationId: string, userId: string) {
  const member = await tx.membership.findFirst({ where: { organizationId, userId }, select: { role: true } });
  return member ? conflict(LAST_ADMIN_MESSAGE) : notFound(MEMBER_GONE);
}

/**
 * Makes a member an admin or a viewer. Making an admin a viewer is a conditional UPDATE that requires another
 * admin of the organization to remain, under the organization's lock.
 */
export async function changeMemberRole({
  actor,
  userId,
  role,
  context,
}: {
  actor: Actor;
  userId: string;
  role: Role;
  context?: RequestContext;
}): Promise<Result> {
  if (!canManageMembers(actor)) return forbidden(ADMINS_ONLY);
  const { organizationId } = actor.membership;
  return prisma.$transaction(async (tx) => {
    if (!(await lockOrganization(tx, organizationId))) return forbidden(ADMINS_ONLY);
    const changed = await tx.$queryRaw<{ email: string; name: string }[]>`
      UPDATE memberships m SET role = ${role}::"Role"
      FROM users u
      WHERE u.id = m.user_id AND m.user_id = ${userId}::uuid AND m.organization_id = ${organizationId}::uuid
        AND m.role <> ${role}::"Role"
        AND (${role} = 'ADMIN' OR EXISTS (
          SELECT 1 FROM memberships o
          WHERE o.organization_id = m.organization_id AND o.role = 'ADMIN' AND o.user_id <> m.user_id))
      RETURNING u.email, u.name`;
    const [member] = changed;
    if (!member) {
      const current = await tx.membership.findFirst({ where: { organizationId, userId }, select: { role: true } });
      if (current?.role === role) return { ok: true as const };
      return whyUnchanged(tx, organizationId, userId);
    }
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: 'member_role_changed',
      details: {
        subjectId: userId,
        email: member.email,
        name: member.name,
        from: role === 'ADMIN' ? 'VIEWER' : 'ADMIN',
        to: role,
      },
      context,
    });
    return { ok: true as const };
  });
}

/**
 * Removes a member from the organization; the database's trigger on the DELETE ends every session of theirs
 * in the same transaction. The session row is read on every request at every instance (nothing caches it),
 * so their next request anywhere is signed out.
 * The last admin cannot be removed (a condition of the DELETE, under the organization's lock). The account
 * itself stays: it may be invited again, and the audit log keeps naming it.
 */
export async function removeMember({
  actor,
  userId,
  context,
}: {
  actor: Actor;
  userId: string;
  context?: RequestContext;
}): Promise<Result<{ sessionsEnded: number }>> {
  if (!canManageMembers(actor)) return forbidden(ADMINS_ONLY);
  const { organizationId } = actor.membership;
  return prisma.$transaction(async (tx) => {
    if (!(await lockOrganization(tx, organizationId))) return forbidden(ADMINS_ONLY);
    // The DELETE's trigger (memberships_end_sessions_on_delete) ends these, each with its audit row.
    const count = await tx.userSession.count({ where: { userId, endedAt: null } });
    const removed = await tx.$queryRaw<{ role: Role; email: string; name: string }[]>`
      DELETE FROM memberships m
      USING users u
      WHERE u.id = m.user_id AND m.user_id = ${userId}::uuid AND m.organization_id = ${organizationId}::uuid
        AND (m.role = 'VIEWER' OR EXISTS (
          SELECT 1 FROM memberships o
          WHERE o.organization_id = m.organization_id AND o.role = 'ADMIN' AND o.user_id <> m.user_id))
      RETURNING m.role, u.email, u.name`;
    const [member] = removed;
    if (!member) return whyUnchanged(tx, organizationId, userId);
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: 'member_removed',
      details: { subjectId: userId, email: member.email, name: member.name, role: member.role, sessionsEnded: count },
      context,
    });
    return { ok: true as const, sessionsEnded: count };
  });
}

// ————— The invitee's side: before there is a session, or as the account the invitation names —————

export interface InvitationForInvitee {
  organizationName: string;
  email: string;
  role: Role;
  invitedByName: string | null;
  expiresAt: Date;
  /** An account with this email exists: its owner signs in and accepts, instead of choosing a password. */
  accountExists: boolean;
}

type Closed = { ok: false; code: 'expired' | 'not_found'; message: string };

function closed(state: Exclude<InvitationState, 'pending'> | 'unknown'): Closed {
  return fail(state === 'expired' ? 'expired' : 'not_found', closedInvitationMessage(state)) as Closed;
}

/** What the invitation page shows for a token: the invitation while it is open, or why it no longer opens. */
export async function findInvitationByToken({
  token,
}: {
  token: string;
}): Promise<{ ok: true; invitation: InvitationForInvitee } | Closed> {
  if (!isInvitationToken(token)) return closed('unknown');
  const row = await prisma.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    select: {
      email: true,
      role: true,
      expiresAt: true,
      acceptedAt: true,
      revokedAt: true,
      organization: { select: { name: true } },
      invitedBy: { select: { name: true } },
    },
  });
  if (!row) return closed('unknown');
  const state = invitationState(row, now());
  if (state !== 'pending') return closed(state);
  const accountExists = (await prisma.user.count({ where: { email: row.email } })) > 0;
  return {
    ok: true,
    invitation: {
      organizationName: row.organization.name,
      email: row.email,
      role: row.role,
      invitedByName: row.invitedBy?.name ?? null,
      expiresAt: row.expiresAt,
      accountExists,
    },
  };
}

/**
 * Closes the invitation a token names, once: the conditional UPDATE matches only an open, unexpired
 * invitation, so of two acceptances of one link exactly one gets the row. Returns the invitation, or why not.
 */
async function takeInvitation(tx: Tx, token: string) {
  const at = now();
  const tokenHash = hashInvitationToken(token);
  const [row] = await tx.invitation.updateManyAndReturn({
    where: { tokenHash, acceptedAt: null, revokedAt: null, expiresAt: { gt: at } },
    data: { acceptedAt: at },
    select: { id: true, organizationId: true, email: true, role: true },
  });
  if (row) return { ok: true as const, invitation: row };
  const found = await tx.invitation.findUnique({
    where: { tokenHash },
    select: { acceptedAt: true, revokedAt: true, expiresAt: true },
  });
  return closed(found ? (invitationState(found, at) as Exclude<InvitationState, 'pending'>) : 'unknown');
}

const ACCOUNT_EXISTS = 'An account with this email already exists. Sign in with it to accept the invitation.';

/**
 * A new person accepts: their account and membership are made with the invitation's email and role, in the
 * transaction that closes the invitation. The password is hashed by the caller, before a connection is taken.
 */
export async function acceptInvitationAsNewUser({
  token,
  name,
  passwordHash,
  context,
}: {
  token: string;
  name: string;
  passwordHash: string;
  context?: RequestContext;
}): Promise<Result<{ userId: string }>> {
  if (!isInvitationToken(token)) return closed('unknown');
  try {
    return await prisma.$transaction(async (tx) => {
      const taken = await takeInvitation(tx, token);
      if (!taken.ok) return taken;
      const { invitation } = taken;
      const user = await tx.user.create({
        data: {
          email: invitation.email,
          name,
          passwordHash,
          memberships: { create: { organizationId: invitation.organizationId, role: invitation.role } },
        },
        select: { id: true },
      });
      await recordAccountEvent(tx, {
        userId: user.id,
        organizationId: invitation.organizationId,
        action: 'invitation_accepted',
        details: { invitationId: invitation.id, email: invitation.email, role: invitation.role, newAccount: true },
        context,
      });
      return { ok: true as const, userId: user.id };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      return conflict(ACCOUNT_EXISTS);
    throw error;
  }
}

/**
 * The signed-in owner of the invited email accepts with their account: it gains a membership in the
 * invitation's organization (a second one, if it belongs elsewhere already), and the session it accepted in
 * works there from the next request on, in the transaction that closes the invitation. Platform staff cannot
 * join; a member of the organization already is refused and the invitation stays open.
 */
export async function acceptInvitationAsUser({
  actor,
  token,
  context,
}: {
  actor: Actor;
  token: string;
  context?: RequestContext;
}): Promise<Result<{ role: Role }>> {
  if (!isInvitationToken(token)) return closed('unknown');
  const found = await findInvitationByToken({ token });
  if (!found.ok) return found;
  if (found.invitation.email !== normalizeEmail(actor.email))
    return forbidden(`This invitation is for ${found.invitation.email}. Sign in with that account to accept it.`);
  if (actor.platformRole) return forbidden('Platform staff accounts cannot join a customer organization.');
  const alreadyMember = conflict(`Your account is already a member of ${found.invitation.organizationName}.`);
  try {
    return await prisma.$transaction(async (tx) => {
      const taken = await takeInvitation(tx, token);
      if (!taken.ok) return taken;
      const { invitation } = taken;
      if (invitation.email !== normalizeEmail(actor.email)) return forbidden();
      // A unique (user, organization) violation here rolls the invitation's closing back with it.
      await tx.membership.create({
        data: { userId: actor.userId, organizationId: invitation.organizationId, role: invitation.role },
      });
      if (actor.session)
        await moveSessionTo(tx, {
          userId: actor.userId,
          sessionId: actor.session.id,
          organizationId: invitation.organizationId,
        });
      await recordAccountEvent(tx, {
        userId: actor.userId,
        organizationId: invitation.organizationId,
        action: 'invitation_accepted',
        details: { invitationId: invitation.id, email: invitation.email, role: invitation.role, newAccount: false },
        context,
      });
      return { ok: true as const, role: invitation.role };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') return alreadyMember;
    throw error;
  }
}
