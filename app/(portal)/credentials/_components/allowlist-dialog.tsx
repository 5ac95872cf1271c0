'use client';

import { toast } from 'sonner';
import { FormDialog } from '@/components/ui/form-dialog';
import { FieldError } from '@/components/ui/input';
import { Textarea } from '@/components/ui/textarea';
import { setAllowedRangesAction } from '../actions';
import type { CredentialDialogProps } from './dialog-props';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { KIND_WORDS, forKind } from '@/lib/credentials/credential-kinds';

export function AllowlistDialog({ secret, open, onOpenChange }: CredentialDialogProps) {
  const { pending, error, run } = useDialogAction(open);
  const fieldError = error?.fieldErrors?.ranges;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Allowed addresses"
      description={forKind(
        'The token endpoint accepts this secret only from these IPv4 or IPv6 addresses and ranges. Leave empty to allow any address.',
        secret.kind,
      )}
      submitLabel="Save addresses"
      pending={pending}
      error={error}
      onSubmit={(form) =>
        run(
          () => setAllowedRangesAction({ credentialId: secret.id, ranges: String(form.get('ranges') ?? '') }),
          (result) => {
            toast.success(
              result.ranges.length
                ? `${KIND_WORDS[secret.kind].label} ${secret.name} now works from ${result.ranges.length} range(s) only.`
                : `${KIND_WORDS[secret.kind].label} ${secret.name} works from any address.`,
            );
            onOpenChange(false);
          },
        )
      }
    >
      <label htmlFor={`ranges-${secret.id}`} className="block text-sm font-medium text-slate-700">
        Addresses and ranges (CIDR), one per line
      </label>
      <Textarea
        id={`ranges-${secret.id}`}
        name="ranges"
        rows={5}
        defaultValue={secret.allowedCidrs.join('\n')}
        placeholder={'203.0.113.0/24\n2001:db8::/32'}
        aria-invalid={!!fieldError}
        aria-describedby={`ranges-${secret.id}-error`}
        className="mt-1.5 font-mono"
      />
      <FieldError id={`ranges-${secret.id}-error`} message={fieldError} />
    </FormDialog>
  );
}
