'use client';

import { MoreHorizontal } from 'lucide-react';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import { allowedActions } from '@/lib/credentials/lifecycle';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import { activateCredentialAction } from '../actions';
import type { CredentialRow } from '@/components/credentials/credential-row';
import { AllowlistDialog } from './allowlist-dialog';
import { ConfirmStatusDialog } from './confirm-status-dialog';
import { DecoyDialog } from './decoy-dialog';
import { ExpiryDialog } from './expiry-dialog';
import { RenameDialog } from './rename-dialog';
import { RollDialog } from './roll-dialog';
import { ScopesDialog } from './scopes-dialog';
import { SecretCreatedDialog, type CreatedSecret } from './secret-created-dialog';
import { UNREACHABLE } from '@/components/actions/unreachable';

type Open = 'rename' | 'expiry' | 'allowlist' | 'scopes' | 'roll' | 'decoy' | null;

export function CredentialRowActions({ secret }: { secret: CredentialRow }) {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  const [open, setOpen] = useState<Open>(null);
  const [confirming, setConfirming] = useState<'deactivate' | 'delete' | 'revoke' | null>(null);
  const [created, setCreated] = useState<CreatedSecret | null>(null);
  const allowed = allowedActions(secret, Date.now());
  const words = KIND_WORDS[secret.kind];

  function activate() {
    startTransition(async () => {
      const result = await ensure(() => activateCredentialAction({ credentialId: secret.id })).catch(() => UNREACHABLE);
      if (result.ok) toast.success(`${words.label} ${secret.name} activated.`);
      else toast.error(result.message);
    });
  }

  const dialog = (kind: Exclude<Open, null>) => ({
    open: open === kind,
    onOpenChange: (next: boolean) => setOpen(next ? kind : null),
  });

  return (
    <>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Actions for ${words.one} ${secret.preview}`}
            disabled={pending}
          >
            <MoreHorizontal className="size-4" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuItem asChild>
            <Link href={`/credentials/${secret.id}`}>View details</Link>
          </DropdownMenuItem>
          {allowed.has('rename') && <DropdownMenuItem onSelect={() => setOpen('rename')}>Rename</DropdownMenuItem>}
          {allowed.has('setExpiry') && (
            <DropdownMenuItem onSelect={() => setOpen('expiry')}>Set expiry</DropdownMenuItem>
          )}
          {allowed.has('setAllowedAddresses') && (
            <DropdownMenuItem onSelect={() => setOpen('allowlist')}>Allowed addresses</DropdownMenuItem>
          )}
          {allowed.has('setScopes') && (
            <DropdownMenuItem onSelect={() => setOpen('scopes')}>Edit scopes</DropdownMenuItem>
          )}
          <DropdownMenuSeparator />
          {allowed.has('activate') && <DropdownMenuItem onSelect={activate}>Activate</DropdownMenuItem>}
          {allowed.has('makeDecoy') && (
            <DropdownMenuItem onSelect={() => setOpen('decoy')}>Make decoy</DropdownMenuItem>
          )}
          {allowed.has('roll') && <DropdownMenuItem onSelect={() => setOpen('roll')}>Roll</DropdownMenuItem>}
          {allowed.has('deactivate') && (
            <DropdownMenuItem onSelect={() => setConfirming('deactivate')}>Deactivate</DropdownMenuItem>
          )}
          {allowed.has('revokeTokens') && (
            <DropdownMenuItem onSelect={() => setConfirming('revoke')}>Revoke issued tokens</DropdownMenuItem>
          )}
          {allowed.has('delete') && (
            <DropdownMenuItem destructive onSelect={() => setConfirming('delete')}>
              Delete
            </DropdownMenuItem>
          )}
        </DropdownMenuContent>
      </DropdownMenu>

      <RenameDialog secret={secret} {...dialog('rename')} />
      <ExpiryDialog secret={secret} {...dialog('expiry')} />
      <AllowlistDialog secret={secret} {...dialog('allowlist')} />
      <ScopesDialog secret={secret} {...dialog('scopes')} />
      <DecoyDialog secret={secret} {...dialog('decoy')} />
      <RollDialog secret={secret} {...dialog('roll')} onRolled={setCreated} />
      <ConfirmStatusDialog secret={secret} kind={confirming} onClose={() => setConfirming(null)} />
      <SecretCreatedDialog secret={created} onClose={() => setCreated(null)} />
    </>
  );
}
