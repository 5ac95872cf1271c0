'use client';

import { useState } from 'react';
import { Badge } from '@/components/ui/badge';
import { removeTotpAction } from '../actions';
import { ConfirmButton } from './confirm-button';
import { RecoveryCodesDialog } from './recovery-codes-dialog';
import { SecuritySection } from './section';
import { TotpSetupButton } from './totp-setup-dialog';

export function TotpSection({ enabled, lastFactor }: { enabled: boolean; lastFactor: boolean }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <SecuritySection
      id="totp"
      title="Authenticator app"
      description={
        <p className="flex flex-wrap items-center gap-2">
          {enabled ? <Badge tone="green">Set up</Badge> : <Badge tone="gray">Not set up</Badge>}
          <span>A 6-digit code from an app on your phone, new every 30 seconds.</span>
        </p>
      }
      action={
        enabled ? (
          <ConfirmButton
            label="Remove"
            aria-label="Remove authenticator app"
            title="Remove the authenticator app?"
            description={
              lastFactor
                ? 'It is your only second factor: two-factor authentication turns off and your recovery codes stop working.'
                : 'Its codes stop working at once. Your passkeys and recovery codes stay.'
            }
            confirmLabel="Remove"
            action={removeTotpAction}
          />
        ) : (
          <TotpSetupButton onEnrolled={setCodes} />
        )
      }
    >
      <RecoveryCodesDialog codes={codes} onClose={() => setCodes(null)} />
    </SecuritySection>
  );
}
