'use client';

import { RotateCw } from 'lucide-react';
import { useTransition } from 'react';
import { toast } from 'sonner';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import { resendDeliveryAction } from '../actions';

/** Attempts one delivery again now, with the same message id (a receiver that deduplicates sees it once). */
export function ResendButton({ deliveryId, eventType }: { deliveryId: string; eventType: string }) {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  return (
    <Button
      variant="secondary"
      size="sm"
      disabled={pending}
      aria-busy={pending}
      aria-label={`Resend ${eventType}`}
      onClick={() =>
        startTransition(async () => {
          const result = await ensure(() => resendDeliveryAction({ deliveryId })).catch(() => UNREACHABLE);
          if (result.ok) toast.success(`${eventType} queued to be sent again.`);
          else toast.error(result.message);
        })
      }
    >
      <RotateCw className="size-3.5" aria-hidden />
      Resend
    </Button>
  );
}
