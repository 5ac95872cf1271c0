'use client';

import { useRouter } from 'next/navigation';
import { MoreHorizontal } from 'lucide-react';
import Link from 'next/link';
import { type ReactNode, useState, useTransition } from 'react';
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
import { rowNow } from '@/components/credentials/row-clock';
import { AllowlistDialog } from './allowlist-dialog';
import { ConfirmStatusDialog } from './confirm-status-dialog';
import { DecoyDialog } from './decoy-dialog';
import { ExpiryDialog } from './expiry-dialog';
import { RenameDialog } from './rename-dialog';
import { RollDialog } from './roll-dialog';
import { ScopesDialog } from './scopes-dialog';
import { SecretCreatedDialog, type CreatedSecret } from './secret-created-dialog';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { useAfterRender } from '@/components/actions/use-after-render';

type Open = 'rename' | 'expiry' | 'allowlist' | 'scopes' | 'roll' | 'decoy' | null;

/**
 * Renders a row's dialog from the first time it opens, and keeps it rendered after: every row has eight, and
 * unopened they were still rendered, closed, for every row of both lists (on the server for each page, and in
 * the browser on hydration and on every refresh after an action).
 */
function OnceOpened({ open, children }: { open: boolean; children: ReactNode }) {
  const [opened, setOpened] = useState(open);
  if (open && !opened) setOpened(true);
  return opened || open ? children : null;
}

export function CredentialRowActions({
  secret,
  onActivated,
}: {
  secret: CredentialRow;
  /** Shows the row active before the refreshed page arrives (a list's; the detail page waits for it). */
  onActivated?: (id: string) => void;
}) {
  const ensure = useReauth();
  const router = useRouter();
  const afterRender = useAfterRender();
  const [pending, startTransition] = useTransition();
  const [menuOpen, setMenuOpen] = useState(false);
  const [open, setOpen] = useState<Open>(null);
  const [confirming, setConfirming] = useState<'deactivate' | 'delete' | 'revoke' | null>(null);
  const [created, setCreated] = useState<CreatedSecret | null>(null);
  const allowed = allowedActions(secret, rowNow(secret));
  const words = KIND_WORDS[secret.kind];

  function activate() {
    startTransition(async () => {
      const result = await ensure(() => activateCredentialAction({ credentialId: secret.id })).catch(() => UNREACHABLE);
      if (result.ok) {
        onActivated?.(secret.id);
        afterRender(() => {
          toast.success(`${words.label} ${secret.name} activated.`);
          router.refresh();
        });
      } else toast.error(result.message);
    });
  }

  const dialog = (kind: Exclude<Open, null>) => ({
    open: open === kind,
    onOpenChange: (next: boolean) => setOpen(next ? kind : null),
  });

  return (
    <>
      <DropdownMenu modal={false} open={menuOpen} onOpenChange={setMenuOpen}>
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
          {allowed.has('activate') && (
            <DropdownMenuItem
              onSelect={(event) => {
                // The menu closes in the next task: closing it in this one (unmounting it, moving focus back to
                // the trigger) delayed the action's request by as long.
                event.preventDefault();
                activate();
                setTimeout(() => setMenuOpen(false));
              }}
            >
              Activate
            </DropdownMenuItem>
          )}
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

      <OnceOpened open={open === 'rename'}>
        <RenameDialog secret={secret} {...dialog('rename')} />
      </OnceOpened>
      <OnceOpened open={open === 'expiry'}>
        <ExpiryDialog secret={secret} {...dialog('expiry')} />
      </OnceOpened>
      <OnceOpened open={open === 'allowlist'}>
        <AllowlistDialog secret={secret} {...dialog('allowlist')} />
      </OnceOpened>
      <OnceOpened open={open === 'scopes'}>
        <ScopesDialog secret={secret} {...dialog('scopes')} />
      </OnceOpened>
      <OnceOpened open={open === 'decoy'}>
        <DecoyDialog secret={secret} {...dialog('decoy')} />
      </OnceOpened>
      <OnceOpened open={open === 'roll'}>
        <RollDialog secret={secret} {...dialog('roll')} onRolled={setCreated} />
      </OnceOpened>
      <OnceOpened open={confirming !== null}>
        <ConfirmStatusDialog secret={secret} kind={confirming} onClose={() => setConfirming(null)} />
      </OnceOpened>
      <OnceOpened open={created !== null}>
        <SecretCreatedDialog secret={created} onClose={() => setCreated(null)} />
      </OnceOpened>
    </>
  );
}
