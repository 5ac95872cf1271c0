'use client';

import { Workflow } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { Field } from '@/components/ui/input';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { GITHUB_ACTIONS_ISSUER, GITHUB_ACTIONS_SUBJECT_EXAMPLE } from '@/lib/credentials/workload';
import { createTrustedWorkloadAction } from '../actions';
import { ScopeFields, scopesOf } from './scope-fields';
import { allowanceText } from '@/lib/credentials/credential-kinds';

/**
 * Trusts a workload of an external OIDC issuer (RFC 8693 token exchange): a CI job or a pod presents the token
 * its platform gives it, and no secret exists at all. Created disabled, like every credential.
 */
export function AddWorkloadButton({ count, max, audience }: { count: number; max: number; audience: string }) {
  const [open, setOpen] = useState(false);
  const { pending, error, run } = useDialogAction(open);
  const atLimit = count >= max;
  const fieldErrors = error?.fieldErrors ?? {};

  return (
    <>
      <p id="workload-allowance" className="text-sm text-slate-600">
        {allowanceText('WORKLOAD', count, max)}
      </p>
      <Button onClick={() => setOpen(true)} disabled={atLimit} aria-describedby="workload-allowance">
        <Workflow className="size-4" aria-hidden />
        Add trusted workload
      </Button>
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title="Add trusted workload"
        description="Tokens from this issuer, for this audience, whose subject matches the pattern, can be exchanged for access tokens. The workload is added disabled: activate it from its row."
        submitLabel="Add workload"
        pending={pending}
        error={error}
        onSubmit={(form) =>
          run(
            () =>
              createTrustedWorkloadAction({
                name: String(form.get('name') ?? ''),
                issuer: String(form.get('issuer') ?? ''),
                audience: String(form.get('audience') ?? ''),
                subject: String(form.get('subject') ?? ''),
                scopes: scopesOf(form),
              }),
            (result) => {
              toast.success(`Trusted workload ${result.credential.name} added. Activate it to use it.`);
              setOpen(false);
            },
          )
        }
      >
        <div className="space-y-2">
          <Field
            id="workload-name"
            name="name"
            label="Name"
            optional
            placeholder="e.g. Payments deploys"
            error={fieldErrors.name}
          />
          <Field
            id="workload-issuer"
            name="issuer"
            label="Issuer URL"
            placeholder={GITHUB_ACTIONS_ISSUER}
            mono
            error={fieldErrors.issuer}
            hint={
              <>
                Exactly as the <span className="font-mono">iss</span> claim of the workload&apos;s tokens, including or
                omitting a trailing slash as they do. GitHub Actions:
                <span className="block font-mono break-all">{GITHUB_ACTIONS_ISSUER}</span>
              </>
            }
          />
          <Field
            id="workload-audience"
            name="audience"
            label="Audience"
            placeholder={audience}
            mono
            error={fieldErrors.audience}
            hint={
              <>
                The <span className="font-mono">aud</span> the workload asks its platform for, e.g. your API base URL.
              </>
            }
          />
          <Field
            id="workload-subject"
            name="subject"
            label="Subject pattern"
            placeholder={GITHUB_ACTIONS_SUBJECT_EXAMPLE}
            mono
            error={fieldErrors.subject}
            hint={
              <>
                Matched against the token&apos;s <span className="font-mono">sub</span>:{' '}
                <span className="font-mono">*</span> matches any run of characters, everything else must match exactly.
                GitHub Actions, main branch of one repository:
                <span className="block font-mono break-all">{GITHUB_ACTIONS_SUBJECT_EXAMPLE}</span>
              </>
            }
          />
        </div>
        <ScopeFields idPrefix="workload" error={fieldErrors.scopes} className="mt-2" />
      </FormDialog>
    </>
  );
}
