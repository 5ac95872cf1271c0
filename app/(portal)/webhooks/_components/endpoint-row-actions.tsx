'use client';

import { MoreHorizontal } from 'lucide-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { useAfterRender } from '@/components/actions/use-after-render';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';
import type { EndpointStatus } from '@/lib/data/webhook-endpoints';
import { sendTestEventAction, setEndpointEnabledAction } from '../actions';
import { ConfirmEndpointDialog, type EndpointConfirmation } from './confirm-endpoint-dialog';
import { EditEndpointDialog, type EditableEndpoint } from './edit-endpoint-dialog';
import type { EndpointFormOptions } from './endpoint-fields';
import { SigningSecretDialog, type ShownSecret } from './signing-secret-dialog';

/**
 * An endpoint's menu: Edit, Send test event, Roll signing secret, Disable or Enable, Delete. The dialogs it opens
 * are rendered outside the menu, so that they outlive it.
 */
export function EndpointRowActions({
  endpoint,
  options,
  onEndpointPage = false,
}: {
  endpoint: EditableEndpoint & { status: EndpointStatus };
  options: EndpointFormOptions;
  /** On the endpoint's own page: no link to it, and a deletion goes back to the list. */
  onEndpointPage?: boolean;
}) {
  const ensure = useReauth();
  const router = useRouter();
  const afterRender = useAfterRender();
  const [pending, startTransition] = useTransition();
  const [confirming, setConfirming] = useState<EndpointConfirmation | null>(null);
  const [editing, setEditing] = useState(false);
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const enabled = endpoint.status === 'enabled';

  function act(action: () => Promise<{ ok: true } | { ok: false; message: string }>, done: string) {
    startTransition(async () => {
      const result = await ensure(action).catch(() => UNREACHABLE);
      if (result.ok) afterRender(() => toast.success(done));
      else toast.error(result.message);
    });
  }

  return (
    <>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button variant="ghost" size="icon" aria-label={`Actions for endpoint ${endpoint.url}`} disabled={pending}>
            <MoreHorizontal className="size-4" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          {!onEndpointPage && (
            <DropdownMenuItem asChild>
              <Link href={`/webhooks/${endpoint.id}`}>View deliveries</Link>
            </DropdownMenuItem>
          )}
          <DropdownMenuItem onSelect={() => setEditing(true)}>Edit</DropdownMenuItem>
          <DropdownMenuItem
            disabled={!enabled}
            onSelect={() =>
              act(() => sendTestEventAction({ endpointId: endpoint.id }), `Test event sent to ${endpoint.url}.`)
            }
          >
            Send test event
          </DropdownMenuItem>
          <DropdownMenuItem onSelect={() => setConfirming('roll')}>Roll signing secret</DropdownMenuItem>
          <DropdownMenuSeparator />
          <DropdownMenuItem
            onSelect={() =>
              act(
                () => setEndpointEnabledAction({ endpointId: endpoint.id, enabled: !enabled }),
                `Endpoint ${endpoint.url} ${enabled ? 'disabled' : 'enabled'}.`,
              )
            }
          >
            {enabled ? 'Disable' : 'Enable'}
          </DropdownMenuItem>
          <DropdownMenuItem destructive onSelect={() => setConfirming('delete')}>
            Delete
          </DropdownMenuItem>
        </DropdownMenuContent>
      </DropdownMenu>
      <EditEndpointDialog endpoint={endpoint} options={options} open={editing} onOpenChange={setEditing} />
      <ConfirmEndpointDialog
        endpoint={endpoint}
        kind={confirming}
        onClose={() => setConfirming(null)}
        onRolled={(next) => {
          setShown(next);
          afterRender(() => router.refresh());
        }}
        onDeleted={() => (onEndpointPage ? router.push('/webhooks') : router.refresh())}
      />
      <SigningSecretDialog shown={shown} onClose={() => setShown(null)} />
    </>
  );
}
