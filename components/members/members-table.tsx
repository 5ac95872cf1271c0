import { LocalTime } from '@/components/local-time';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { ROLE_LABELS } from '@/lib/identity/invitation';
import type { ReactNode } from 'react';
import type { MemberRow } from './types';

/**
 * An organization's members: name and email, role, two-factor, last sign-in. The Members page gives admins
 * each row's menu (`actions`); the support console shows the table without. The last admin's menu still
 * opens (the refusal says why), so the rule is explained rather than hidden.
 */
export function MembersTable({
  members,
  caption = 'Members of your organization',
  currentUserId = null,
  lastAdmin,
  actions,
}: {
  members: MemberRow[];
  caption?: string;
  currentUserId?: string | null;
  lastAdmin: boolean;
  actions?: (member: MemberRow) => ReactNode;
}) {
  const canManage = actions !== undefined;
  return (
    <Table>
      <TableCaption>{caption}</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead className="sm:px-6">Member</TableHead>
          <TableHead>Role</TableHead>
          <TableHead className="hidden md:table-cell">Two-factor</TableHead>
          <TableHead className="hidden sm:table-cell">Last sign-in</TableHead>
          {canManage && (
            <TableHead className="w-14 sm:pr-6">
              <span className="sr-only">Actions</span>
            </TableHead>
          )}
        </TableRow>
      </TableHeader>
      <TableBody>
        {members.map((member) => (
          <TableRow key={member.userId} data-testid="member-row" className="align-top">
            <TableCell className="min-w-0 sm:px-6">
              <p className="text-sm font-medium break-words text-slate-900">
                {member.name}
                {member.userId === currentUserId && <span className="font-normal text-slate-500"> (you)</span>}
              </p>
              <p className="text-sm break-all text-slate-600">{member.email}</p>
              <p className="mt-1 text-xs text-slate-500 sm:hidden">
                Last sign-in: {member.lastSignInAt ? <LocalTime iso={member.lastSignInAt} /> : 'never'}
              </p>
            </TableCell>
            <TableCell>
              <Badge tone={member.role === 'ADMIN' ? 'indigo' : 'gray'}>{ROLE_LABELS[member.role]}</Badge>
              {lastAdmin && member.role === 'ADMIN' && (
                <span className="sr-only"> (the only admin: cannot be removed or made a viewer)</span>
              )}
            </TableCell>
            <TableCell className="hidden text-sm text-slate-600 md:table-cell">
              {member.twoFactorEnabled ? <Badge tone="green">On</Badge> : <Badge tone="gray">Off</Badge>}
            </TableCell>
            <TableCell className="hidden text-sm text-slate-600 sm:table-cell">
              {member.lastSignInAt ? <LocalTime iso={member.lastSignInAt} /> : 'Never'}
            </TableCell>
            {canManage && <TableCell className="text-right sm:pr-6">{actions(member)}</TableCell>}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
