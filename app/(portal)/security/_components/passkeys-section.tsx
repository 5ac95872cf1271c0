'use client';

import { useState } from 'react';
import { KeyRound } from 'lucide-react';
import { LocalTime, RelativeTime } from '@/components/local-time';
import { removePasskeyAction } from '../actions';
import { AddPasskeyButton } from './add-passkey-dialog';
import { ConfirmButton } from './confirm-button';
import { RecoveryCodesDialog } from './recovery-codes-dialog';
import { RenamePasskeyButton } from './rename-passkey-dialog';
import { SecuritySection } from './section';

export interface PasskeyRow {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function PasskeysSection({ passkeys, otherFactors }: { passkeys: PasskeyRow[]; otherFactors: boolean }) {
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <SecuritySection
      id="passkeys"
      title="Passkeys and security keys"
      description="Sign in with your fingerprint, face, device PIN or a hardware key. Nothing to type, and nothing a fake site can reuse."
      action={<AddPasskeyButton onEnrolled={setCodes} />}
    >
      {passkeys.length > 0 && (
        <ul aria-label="Passkeys" className="divide-y divide-slate-100 border-t border-slate-100">
          {passkeys.map((passkey) => (
            <li
              key={passkey.id}
              className="flex flex-col gap-2 px-4 py-3 sm:flex-row sm:items-center sm:justify-between sm:px-6"
            >
              <div className="flex min-w-0 items-start gap-3">
                <KeyRound className="mt-0.5 size-4 shrink-0 text-slate-500" aria-hidden />
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900">{passkey.name}</p>
                  <p className="text-xs text-slate-500">
                    Added <LocalTime iso={passkey.createdAt} /> · Last used{' '}
                    {passkey.lastUsedAt ? <RelativeTime iso={passkey.lastUsedAt} /> : 'never'}
                  </p>
                </div>
              </div>
              <div className="flex shrink-0 gap-2">
                <RenamePasskeyButton passkey={passkey} />
                <ConfirmButton
                  label="Remove"
                  aria-label={`Remove passkey ${passkey.name}`}
                  title={`Remove “${passkey.name}”?`}
                  description={
                    passkeys.length === 1 && !otherFactors
                      ? 'It is your only second factor: two-factor authentication turns off and your recovery codes stop working.'
                      : 'You will no longer be able to sign in with it.'
                  }
                  confirmLabel="Remove"
                  action={() => removePasskeyAction({ passkeyId: passkey.id })}
                />
              </div>
            </li>
          ))}
        </ul>
      )}
      <RecoveryCodesDialog codes={codes} onClose={() => setCodes(null)} />
    </SecuritySection>
  );
}
