'use client';

import { MoreHorizontal } from 'lucide-react';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { useAfterRender } from '@/components/actions/use-after-render';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { resendInvitationAction, revokeInvitationAction } from '../actions';
import type { InvitationRow } from '@/components/members/types';

/** An invitation's menu: Resend (a new link, the previous one stops) and Revoke (the link stops). */
export function InvitationRowActions({ invitation }: { invitation: InvitationRow }) {
  const ensure = useReauth();
  const afterRender = useAfterRender();
  const [pending, startTransition] = useTransition();

  function act(action: () => Promise<{ ok: true } | { ok: false; message: string }>, done: string) {
    startTransition(async () => {
      const result = await ensure(action).catch(() => UNREACHABLE);
      if (result.ok) afterRender(() => toast.success(done));
      else toast.error(result.message);
    });
  }

  return (
    <DropdownMenu modal={false}>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" aria-label={`Actions for ${invitation.email}`} disabled={pending}>
          <MoreHorizontal className="size-4" aria-hidden />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align="end">
        <DropdownMenuItem
          onSelect={() =>
            act(
              () => resendInvitationAction({ invitationId: invitation.id }),
              `Invitation sent again to ${invitation.email}.`,
            )
          }
        >
          Resend
        </DropdownMenuItem>
        <DropdownMenuItem
          destructive
          onSelect={() =>
            act(
              () => revokeInvitationAction({ invitationId: invitation.id }),
              `Invitation to ${invitation.email} revoked.`,
            )
          }
        >
          Revoke
        </DropdownMenuItem>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}
