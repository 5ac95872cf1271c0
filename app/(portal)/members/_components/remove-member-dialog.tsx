'use client';

import { toast } from 'sonner';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import { removeMemberAction } from '../actions';
import type { MemberRow } from '@/components/members/types';

export function RemoveMemberDialog({
  member,
  open,
  onOpenChange,
  self,
}: {
  member: MemberRow;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Removing oneself signs oneself out too. */
  self: boolean;
}) {
  const { pending, error, run } = useDialogAction(open);
  return (
    <ConfirmDialog
      open={open}
      onOpenChange={onOpenChange}
      title={self ? 'Leave the organization?' : `Remove ${member.name}?`}
      description={
        self
          ? 'You lose access to its credentials at once and are signed out. An admin can invite you again.'
          : `${member.email} loses access at once: every session of theirs ends, in every browser. You can invite them again later.`
      }
      pending={pending}
      error={error?.message}
      confirmLabel="Remove"
      onConfirm={() =>
        run(
          () => removeMemberAction({ userId: member.userId }),
          () => {
            toast.success(`${member.name} was removed.`);
            onOpenChange(false);
          },
        )
      }
    />
  );
}
