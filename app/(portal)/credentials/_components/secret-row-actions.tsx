'use client';

import { MoreHorizontal } from 'lucide-react';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import { DropdownMenu, DropdownMenuContent, DropdownMenuItem, DropdownMenuSeparator, DropdownMenuTrigger } from '@/components/ui/dropdown-menu';
import { activateSecretAction } from '../actions';
import type { SecretRow } from '@/components/secrets/secret-row';
import { AllowlistDialog } from './allowlist-dialog';
import { ConfirmStatusDialog } from './confirm-status-dialog';
import { DecoyDialog } from './decoy-dialog';
import { ExpiryDialog } from './expiry-dialog';
import { RenameDialog } from './rename-dialog';
import { RollDialog } from './roll-dialog';
import { SecretCreatedDialog, type CreatedSecret } from './secret-created-dialog';

type Open = 'rename' | 'expiry' | 'allowlist' | 'roll' | 'decoy' | null;

export function SecretRowActions({ secret }: { secret: SecretRow }) {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  const [open, setOpen] = useState<Open>(null);
  const [confirming, setConfirming] = useState<'deactivate' | 'delete' | 'revoke' | null>(null);
  const [created, setCreated] = useState<CreatedSecret | null>(null);
  const expired = secret.displayStatus === 'EXPIRED';
  const rollable = secret.status === 'ACTIVE' && !expired && !secret.replacedById;

  function activate() {
    startTransition(async () => {
      const result = await ensure(() => activateSecretAction({ secretId: secret.id })).catch(() => ({
        ok: false as const,
        message: 'The portal could not be reached. Check your connection and try again.',
      }));
      if (result.ok) toast.success(`Secret ${secret.name} activated.`);
      else toast.error(result.message);
    });
  }

  const dialog = (kind: Exclude<Open, null>) => ({ open: open === kind, onOpenChange: (next: boolean) => setOpen(next ? kind : null) });

  return (
    <>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Actions for secret ${secret.preview}`} disabled={pending}>
            <MoreHorizontal className="size-4" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem asChild>
            <Link href={`/credentials/${secret.id}`}>View details</Link>
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setOpen('rename')}>Rename</DropdownMenuItem>
          {!expired && <DropdownMenuItem onSelect={() => setOpen('expiry')}>Set expiry</DropdownMenuItem>}
          <DropdownMenuItem onSelect={() => setOpen('allowlist')}>Allowed addresses</DropdownMenuItem>
          <DropdownMenuSeparator />
          {secret.status === 'DISABLED' && !expired && !secret.isDecoy && !secret.replacedById && (
            <DropdownMenuItem onSelect={activate}>Activate</DropdownMenuItem>
          )}
          {secret.status === 'DISABLED' && !secret.isDecoy && <DropdownMenuItem onSelect={() => setOpen('decoy')}>Make decoy</DropdownMenuItem>}
          {rollable && <DropdownMenuItem onSelect={() => setOpen('roll')}>Roll</DropdownMenuItem>}
          {secret.status === 'ACTIVE' && <DropdownMenuItem onSelect={() => setConfirming('deactivate')}>Deactivate</DropdownMenuItem>}
          {secret.status === 'DISABLED' && secret.lastUsedAt && (
            <DropdownMenuItem onSelect={() => setConfirming('revoke')}>Revoke issued tokens</DropdownMenuItem>
          )}
          {secret.status === 'DISABLED' && (
            <DropdownMenuItem destructive onSelect={() => setConfirming('delete')}>
              Delete
            </DropdownMenuItem>
          )}
        </DropdownMenuContent>
      </DropdownMenu>

      <RenameDialog secret={secret} {...dialog('rename')} />
      <ExpiryDialog secret={secret} {...dialog('expiry')} />
      <AllowlistDialog secret={secret} {...dialog('allowlist')} />
      <DecoyDialog secret={secret} {...dialog('decoy')} />
      <RollDialog secret={secret} {...dialog('roll')} onRolled={setCreated} />
      <ConfirmStatusDialog secret={secret} kind={confirming} onClose={() => setConfirming(null)} />
      <SecretCreatedDialog secret={created} onClose={() => setCreated(null)} />
    </>
  );
}
