'use client';

import { MoreHorizontal } from 'lucide-react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { ChangeRoleDialog } from './change-role-dialog';
import { RemoveMemberDialog } from './remove-member-dialog';
import type { MemberRow } from '@/components/members/types';

/** A member's menu: Change role and Remove. The dialogs are rendered outside the menu, so that they outlive it. */
export function MemberRowActions({ member, self }: { member: MemberRow; self: boolean }) {
  const [open, setOpen] = useState<'role' | 'remove' | null>(null);
  return (
    <>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Actions for ${member.email}`}>
            <MoreHorizontal className="size-4" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem onSelect={() => setOpen('role')}>Change role</DropdownMenuItem>
          <DropdownMenuItem destructive onSelect={() => setOpen('remove')}>
            Remove
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <ChangeRoleDialog member={member} open={open === 'role'} onOpenChange={(next) => setOpen(next ? 'role' : null)} />
      <RemoveMemberDialog
        member={member}
        self={self}
        open={open === 'remove'}
        onOpenChange={(next) => setOpen(next ? 'remove' : null)}
      />
    </>
  );
}
