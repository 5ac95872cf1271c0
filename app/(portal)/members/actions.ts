'use server';

import { z } from 'zod';
import { canManageMembers } from '@/lib/identity/actor';
import { changeMemberRole, inviteMember, removeMember, resendInvitation, revokeInvitation } from '@/lib/data/members';
import { INVALID_REQUEST, run, type ActionResult, type RunOptions } from '@/lib/actions/run';
import { notFound } from '@/lib/result';

const MEMBER_GONE = notFound('This person is no longer a member. Reload the page to see the current list.');
const INVITATION_GONE = notFound('This invitation is no longer open. Reload the page to see the current list.');

const role = z.enum(['ADMIN', 'VIEWER']);

/**
 * The Members page's policy: admins whose organization requires a second factor enroll first; every change
 * asks "Confirm it's you" of those who could make it (viewers are refused by the command itself), since each
 * one decides who can reach the organization's credentials; success redraws the page.
 */
function memberAction<S extends z.ZodType>(
  options: Omit<RunOptions<S, undefined>, 'sensitive' | 'twoFactor'>,
): RunOptions<S, undefined> {
  return {
    twoFactor: 'manage_members',
    revalidate: { path: '/members', type: 'page' },
    sensitive: canManageMembers,
    ...options,
  };
}

/** Invites a person by email with a role; they are emailed a single-use link valid for seven days. */
export async function inviteMemberAction(input: unknown): Promise<ActionResult<{ email: string }>> {
  const schema = z.object({ email: z.string().max(1000), role }).strict();
  return run(input, memberAction({ schema, invalid: INVALID_REQUEST }), async ({ actor, data, context }) => {
    const result = await inviteMember({ actor, ...data, context });
    return result.ok ? { ok: true, email: result.invitation.email } : result;
  });
}

export async function resendInvitationAction(input: unknown): Promise<ActionResult> {
  const schema = z.object({ invitationId: z.uuid() }).strict();
  return run(input, memberAction({ schema, invalid: INVITATION_GONE }), ({ actor, data, context }) =>
    resendInvitation({ actor, ...data, context }),
  );
}

export async function revokeInvitationAction(input: unknown): Promise<ActionResult> {
  const schema = z.object({ invitationId: z.uuid() }).strict();
  return run(input, memberAction({ schema, invalid: INVITATION_GONE }), ({ actor, data, context }) =>
    revokeInvitation({ actor, ...data, context }),
  );
}

/** Makes a member an admin or a viewer; the organization's last admin stays one. */
export async function changeMemberRoleAction(input: unknown): Promise<ActionResult> {
  const schema = z.object({ userId: z.uuid(), role }).strict();
  return run(input, memberAction({ schema, invalid: MEMBER_GONE }), ({ actor, data, context }) =>
    changeMemberRole({ actor, ...data, context }),
  );
}

/** Removes a member and ends every session of theirs at once; the organization's last admin stays. */
export async function removeMemberAction(input: unknown): Promise<ActionResult> {
  const schema = z.object({ userId: z.uuid() }).strict();
  return run(input, memberAction({ schema, invalid: MEMBER_GONE }), async ({ actor, data, context }) => {
    const result = await removeMember({ actor, ...data, context });
    return result.ok ? { ok: true } : result;
  });
}
