'use client';

import { toast } from 'sonner';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { FormDialog } from '@/components/ui/form-dialog';
import { ROLE_LABELS } from '@/lib/identity/invitation';
import { changeMemberRoleAction } from '../actions';
import { RoleSelect } from './role-select';
import type { MemberRow } from '@/components/members/types';

export function ChangeRoleDialog({
  member,
  open,
  onOpenChange,
}: {
  member: MemberRow;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { pending, error, run } = useDialogAction(open);
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title={`Change role of ${member.name}`}
      description={`${member.email} is now ${member.role === 'ADMIN' ? 'an admin' : 'a viewer'}. The new role applies from their next click.`}
      submitLabel="Change role"
      pending={pending}
      error={error}
      onSubmit={(form) => {
        const role = String(form.get('role') ?? '');
        run(
          () => changeMemberRoleAction({ userId: member.userId, role }),
          () => {
            toast.success(`${member.name} is now ${ROLE_LABELS[role as MemberRow['role']] ?? role}.`);
            onOpenChange(false);
          },
        );
      }}
    >
      <RoleSelect id={`role-${member.userId}`} defaultValue={member.role === 'ADMIN' ? 'VIEWER' : 'ADMIN'} />
    </FormDialog>
  );
}
