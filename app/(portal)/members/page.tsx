import { Users } from 'lucide-react';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PageHeader } from '@/components/page-header';
import { InfoNote } from '@/components/ui/info-note';
import { EmptyState } from '@/components/ui/empty-state';
import { requireActor } from '@/lib/auth/session';
import { listInvitations, listMembers } from '@/lib/data/members';
import { canManageMembers } from '@/lib/identity/actor';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { InviteMemberButton } from './_components/invite-member-button';
import { InvitationsTable } from '@/components/members/invitations-table';
import { MembersTable } from '@/components/members/members-table';
import { InvitationRowActions } from './_components/invitation-row-actions';
import { MemberRowActions } from './_components/member-row-actions';

export const metadata: Metadata = { title: 'Members' };

const DESCRIPTION =
  'Everyone who can sign in to your organization, with their role: admins manage credentials, webhooks and members; viewers see them. Removing someone signs them out everywhere at once.';

export default async function MembersPage() {
  const actor = await requireActor();
  if (actor.platformRole === 'SUPPORT') redirect('/support');
  // An admin whose organization requires two-factor sets it up before managing anything.
  if (mustEnrollTwoFactor(actor, 'manage_members')) redirect('/security');
  const canManage = canManageMembers(actor);
  const header = (
    <PageHeader
      section="Account"
      title="Members"
      description={DESCRIPTION}
      actions={
        canManageMembers(actor) ? (
          <InviteMemberButton organizationName={actor.membership.organizationName} />
        ) : undefined
      }
    />
  );
  if (!actor.membership) {
    return (
      <div className="space-y-8">
        {header}
        <InfoNote>
          Your account is not a member of a customer organization, so there are no members to show here.
        </InfoNote>
      </div>
    );
  }

  const [members, invitations] = await Promise.all([listMembers({ actor }), listInvitations({ actor })]);
  const admins = members.filter((member) => member.role === 'ADMIN').length;

  return (
    <div className="space-y-8">
      {header}
      <section aria-labelledby="members-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="members-heading" className="text-base font-semibold">
            Members of {actor.membership.organizationName}
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            {members.length === 1 ? '1 member' : `${members.length} members`},{' '}
            {admins === 1 ? '1 admin' : `${admins} admins`}. An organization always keeps at least one admin.
          </p>
        </div>
        <MembersTable
          members={members.map((member) => ({
            ...member,
            lastSignInAt: member.lastSignInAt?.toISOString() ?? null,
            joinedAt: member.joinedAt.toISOString(),
          }))}
          currentUserId={actor.userId}
          lastAdmin={admins <= 1}
          actions={
            canManage
              ? (member) => <MemberRowActions member={member} self={member.userId === actor.userId} />
              : undefined
          }
        />
        {!canManage && (
          <p className="border-t border-slate-200 px-4 py-4 text-sm text-slate-600 sm:px-6">
            You have view-only access. Ask an admin of {actor.membership.organizationName} to invite or remove someone.
          </p>
        )}
      </section>

      <section aria-labelledby="invitations-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="invitations-heading" className="text-base font-semibold">
            Pending invitations
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Each link works once, for seven days. Resending sends a new link and the previous one stops working.
          </p>
        </div>
        {invitations.length === 0 ? (
          <EmptyState icon={Users} title="No pending invitations">
            {canManage
              ? 'Invite a colleague by email: they choose their name and password, and join with the role you give them.'
              : 'Invitations an admin sends appear here until they are accepted.'}
          </EmptyState>
        ) : (
          <InvitationsTable
            invitations={invitations.map((invitation) => ({
              ...invitation,
              createdAt: invitation.createdAt.toISOString(),
              expiresAt: invitation.expiresAt.toISOString(),
            }))}
            actions={canManage ? (invitation) => <InvitationRowActions invitation={invitation} /> : undefined}
          />
        )}
      </section>
    </div>
  );
}
