'use client';

import { ShieldAlert } from 'lucide-react';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { RelativeTime } from '@/components/local-time';
import { acknowledgeAlertAction } from '../actions';

export interface AlertView {
  id: string;
  kind: string;
  credentialPreview: string;
  credentialName: string;
  count: number;
  lastAddress: string | null;
  lastUserAgent: string | null;
  lastSeenAt: string;
}

function Acknowledge({ id }: { id: string }) {
  const [pending, startTransition] = useTransition();
  return (
    <Button
      size="sm"
      variant="secondary"
      disabled={pending}
      onClick={() =>
        startTransition(async () => {
          const result = await acknowledgeAlertAction({ alertId: id }).catch(() => ({
            ok: false as const,
            message: 'The portal could not be reached.',
          }));
          if (!result.ok) toast.error(result.message);
        })
      }
    >
      Acknowledge
    </Button>
  );
}

/** Red banners that stay until an admin acknowledges them: a decoy was tried, or a secret was reported leaked. */
export function SecurityAlerts({ alerts }: { alerts: AlertView[] }) {
  return (
    <div className="space-y-3">
      {alerts.map((alert) => (
        <div
          key={alert.id}
          role="alert"
          className="flex flex-col gap-3 rounded-lg bg-red-50 p-4 text-sm text-red-900 ring-1 ring-red-600/30 sm:flex-row sm:items-start sm:justify-between"
        >
          <div className="flex gap-3">
            <ShieldAlert className="mt-0.5 size-5 shrink-0 text-red-600" aria-hidden />
            {alert.kind === 'decoy_used' ? (
              <p>
                <strong>Decoy secret used.</strong> Someone tried the decoy <strong>{alert.credentialName}</strong> (
                <span className="font-mono">{alert.credentialPreview}</span>){' '}
                {alert.count === 1 ? 'once' : `${alert.count} times`}, last <RelativeTime iso={alert.lastSeenAt} /> from{' '}
                {alert.lastAddress ?? 'an unknown address'}
                {alert.lastUserAgent ? ` (${alert.lastUserAgent})` : ''}. Where you planted it has leaked.
              </p>
            ) : (
              <p>
                <strong>Secret reported leaked.</strong> <strong>{alert.credentialName}</strong> (
                <span className="font-mono">{alert.credentialPreview}</span>) was found exposed and has been
                deactivated. Replace it wherever it is used.
              </p>
            )}
          </div>
          <Acknowledge id={alert.id} />
        </div>
      ))}
    </div>
  );
}
