import { LocalTime } from '@/components/local-time';
import { Badge } from '@/components/ui/badge';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { ROLE_LABELS } from '@/lib/identity/invitation';
import type { ReactNode } from 'react';
import type { InvitationRow } from './types';

/** Open invitations: who, with which role, who invited them and when the link stops working. */
export function InvitationsTable({
  invitations,
  actions,
}: {
  invitations: InvitationRow[];
  actions?: (invitation: InvitationRow) => ReactNode;
}) {
  const canManage = actions !== undefined;
  return (
    <Table>
      <TableCaption>Pending invitations</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead className="sm:px-6">Email</TableHead>
          <TableHead>Role</TableHead>
          <TableHead className="hidden md:table-cell">Invited by</TableHead>
          <TableHead className="hidden sm:table-cell">Link expires</TableHead>
          {canManage && (
            <TableHead className="w-14 sm:pr-6">
              <span className="sr-only">Actions</span>
            </TableHead>
          )}
        </TableRow>
      </TableHeader>
      <TableBody>
        {invitations.map((invitation) => (
          <TableRow key={invitation.id} data-testid="invitation-row" className="align-top">
            <TableCell className="min-w-0 sm:px-6">
              <p className="text-sm font-medium break-all text-slate-900">{invitation.email}</p>
              <p className="mt-1 text-xs text-slate-500 sm:hidden">
                {invitation.state === 'expired' ? 'Expired ' : 'Expires '}
                <LocalTime iso={invitation.expiresAt} />
              </p>
            </TableCell>
            <TableCell>
              <Badge tone="gray">{ROLE_LABELS[invitation.role]}</Badge>
            </TableCell>
            <TableCell className="hidden text-sm text-slate-600 md:table-cell">
              {invitation.invitedByName ?? 'A former member'}
              <span className="block text-xs text-slate-500">
                <LocalTime iso={invitation.createdAt} />
              </span>
            </TableCell>
            <TableCell className="hidden text-sm text-slate-600 sm:table-cell">
              {invitation.state === 'expired' ? (
                <Badge tone="amber">Expired</Badge>
              ) : (
                <LocalTime iso={invitation.expiresAt} />
              )}
            </TableCell>
            {canManage && <TableCell className="text-right sm:pr-6">{actions(invitation)}</TableCell>}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
