'use client';

import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { FormDialog } from '@/components/ui/form-dialog';
import { Input } from '@/components/ui/input';
import { RadioCards } from '@/components/ui/radio-cards';
import { EXPIRY_CHOICES, expiryFrom } from '@/components/credentials/expiry';
import { rowNow } from '@/components/credentials/row-clock';
import { setCredentialExpiryAction } from '../actions';
import type { CredentialDialogProps } from './dialog-props';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { KIND_WORDS, forKind } from '@/lib/credentials/credential-kinds';

export function ExpiryDialog({ secret, open, onOpenChange }: CredentialDialogProps) {
  const { pending, error, setError, run } = useDialogAction();
  const [choice, setChoice] = useState<string>(secret.expiresAt ? 'date' : 'none');
  useEffect(() => {
    setError(null);
    if (open) setChoice(secret.expiresAt ? 'date' : 'none');
  }, [open, setError, secret.expiresAt]);
  // "In 30 days" and the earliest date count from the credential's own now (a tenant's test clock).
  const now = rowNow(secret);
  const today = new Date(now);
  const minDate = new Date(today.getFullYear(), today.getMonth(), today.getDate()).toLocaleDateString('en-CA');
  // Stored as the midnight that ends the chosen day: show the day itself.
  const current = secret.expiresAt ? new Date(Date.parse(secret.expiresAt) - 1) : null;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Set expiry"
      description={forKind(
        'From its expiry on, the secret is refused at the token endpoint and cannot be activated again.',
        secret.kind,
      )}
      submitLabel="Save expiry"
      pending={pending}
      error={error}
      onSubmit={(form) => {
        const expiresAt = expiryFrom(choice, String(form.get('date') ?? ''), rowNow(secret));
        if (expiresAt === undefined) {
          setError({ message: 'Choose a date.' });
          return;
        }
        run(
          () => setCredentialExpiryAction({ credentialId: secret.id, expiresAt }),
          () => {
            toast.success(
              expiresAt
                ? `${KIND_WORDS[secret.kind].label} ${secret.name} expires ${new Date(expiresAt).toLocaleString()}.`
                : `${KIND_WORDS[secret.kind].label} ${secret.name} no longer expires.`,
            );
            onOpenChange(false);
          },
        );
      }}
    >
      <RadioCards legend="Expires" name="choice" options={EXPIRY_CHOICES} value={choice} onChange={setChoice} />
      {choice === 'date' && (
        <div className="mt-3">
          <label htmlFor={`expiry-${secret.id}`} className="block text-sm font-medium text-slate-700">
            Expiry date
          </label>
          <Input
            id={`expiry-${secret.id}`}
            type="date"
            name="date"
            min={minDate}
            defaultValue={current ? current.toLocaleDateString('en-CA') : undefined}
            className="mt-1.5"
            required
          />
          <p className="mt-1 text-xs text-slate-500">
            {forKind('The secret stops working at the end of that day, your time.', secret.kind)}
          </p>
        </div>
      )}
    </FormDialog>
  );
}
