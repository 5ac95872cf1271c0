'use client';

import { LocalTime } from '@/components/local-time';
import { ShowOnceDialog } from '@/components/ui/show-once-dialog';
import { ShowOnceActions } from '@/components/ui/show-once-actions';

export interface ShownSecret {
  url: string;
  secret: string;
  /** Set after a roll: the previous secret keeps signing until then. */
  previousSecretUntil?: string;
}

/** Shows an endpoint's signing secret the one time it exists in the browser: after adding or rolling. */
export function SigningSecretDialog({ shown, onClose }: { shown: ShownSecret | null; onClose: () => void }) {
  return (
    <ShowOnceDialog
      open={shown !== null}
      onClose={onClose}
      title={shown?.previousSecretUntil ? 'New signing secret' : 'Endpoint added'}
      description={
        <>
          Your receiver at <span className="font-mono wrap-anywhere text-slate-900">{shown?.url}</span> verifies each
          message&apos;s <span className="font-mono">webhook-signature</span> header with this signing secret.
        </>
      }
      value={shown?.secret ?? ''}
      testId="signing-secret"
      warning={
        <>
          Save the signing secret now. You can&apos;t read it again after you close this window.{' '}
          {shown?.previousSecretUntil && (
            <>
              Until <LocalTime iso={shown.previousSecretUntil} />, every message is also signed with the previous
              secret, so your receiver can switch in the meantime.
            </>
          )}
        </>
      }
    >
      {shown && (
        <ShowOnceActions value={shown.secret} filename={`webhook-signing-secret-${shown.secret.slice(-4)}.txt`} />
      )}
    </ShowOnceDialog>
  );
}
