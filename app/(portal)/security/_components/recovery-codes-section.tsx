'use client';

import { useState } from 'react';
import { regenerateRecoveryCodesAction } from '../actions';
import { ConfirmButton } from './confirm-button';
import { RecoveryCodesDialog } from './recovery-codes-dialog';
import { SecuritySection } from './section';

export function RecoveryCodesSection({ enabled, left }: { enabled: boolean; left: number }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <SecuritySection
      id="recovery-codes"
      title="Recovery codes"
      description={
        enabled ? (
          <p>
            <span data-testid="recovery-codes-left">{left === 1 ? '1 code left' : `${left} codes left`}</span>. Each one
            signs you in once when your authenticator app or passkey is not at hand.
          </p>
        ) : (
          <p>You get ten one-time codes when you set up your first two-factor method.</p>
        )
      }
      action={
        enabled && (
          <ConfirmButton
            label="Regenerate recovery codes"
            title="Make new recovery codes?"
            description="Ten new codes replace all of your current ones, which stop working at once."
            confirmLabel="Make new codes"
            confirmVariant="primary"
            action={regenerateRecoveryCodesAction}
            onDone={(result) => setCodes(result.recoveryCodes)}
          />
        )
      }
    >
      <RecoveryCodesDialog codes={codes} onClose={() => setCodes(null)} />
    </SecuritySection>
  );
}
