'use client';

import { useEffect, useState, useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogTitle } from '@/components/ui/dialog';
import { FieldError } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import type { CredentialKind } from '@/lib/credentials/lifecycle';
import { emergencyDeactivateAction } from '../../actions';
import { UNREACHABLE } from '@/components/actions/unreachable';

export function EmergencyDeactivate({
  organizationId,
  credentialId,
  kind,
  name,
  preview,
  onDeactivated,
}: {
  organizationId: string;
  credentialId: string;
  kind: CredentialKind;
  name: string;
  preview: string;
  onDeactivated: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<{ message: string; field?: string } | null>(null);
  const [pending, startTransition] = useTransition();
  useEffect(() => {
    if (open) {
      setReason('');
      setError(null);
    }
  }, [open]);

  function submit() {
    setError(null);
    startTransition(async () => {
      const result = await emergencyDeactivateAction({ organizationId, credentialId, reason }).catch(() => UNREACHABLE);
      if (result.ok) {
        toast.success(
          `${KIND_WORDS[kind].label} ${name} deactivated. The customer sees your reason in their audit log.`,
        );
        setOpen(false);
        onDeactivated();
      } else {
        setError({ message: result.message, field: 'fieldErrors' in result ? result.fieldErrors?.reason : undefined });
      }
    });
  }

  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        onClick={() => setOpen(true)}
        aria-label={`Emergency deactivate ${KIND_WORDS[kind].one} ${preview}`}
      >
        Emergency deactivate
      </Button>
      <Dialog open={open} onOpenChange={(next) => !pending && setOpen(next)}>
        <DialogContent>
          <DialogTitle>Emergency deactivation</DialogTitle>
          <DialogDescription>
            Deactivates <span className="font-medium text-slate-900">{name}</span> (
            <span className="font-mono">{preview}</span>) at once: the customer&apos;s applications using it stop
            getting tokens. The customer sees your name and reason in their audit log.
          </DialogDescription>
          <form
            className="mt-5"
            onSubmit={(event) => {
              event.preventDefault();
              submit();
            }}
          >
            <label htmlFor="emergency-reason" className="block text-sm font-medium text-slate-700">
              Reason
            </label>
            <Textarea
              id="emergency-reason"
              value={reason}
              onChange={(event) => setReason(event.target.value)}
              rows={4}
              maxLength={1000}
              required
              aria-invalid={!!error?.field}
              aria-describedby="emergency-reason-error"
              className="mt-1.5"
            />
            <FieldError id="emergency-reason-error" message={error?.field} />
            {error && !error.field && (
              <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
                {error.message}
              </p>
            )}
            <div className="mt-4 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
              <Button variant="secondary" onClick={() => setOpen(false)} disabled={pending}>
                Cancel
              </Button>
              <Button type="submit" variant="danger" disabled={pending}>
                Deactivate
              </Button>
            </div>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
