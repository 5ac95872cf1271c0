'use client';

import { useEffect, useState } from 'react';
import { toast } from 'sonner';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import type { CredentialRow } from '@/components/credentials/credential-row';
import { usageWarning } from '@/components/credentials/usage-warning';
import type { UsageSummary } from '@/lib/data/credential-usage';
import { deactivateCredentialAction, deleteCredentialAction, getCredentialUsageAction } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { KIND_WORDS, forKind } from '@/lib/credentials/credential-kinds';

export function ConfirmStatusDialog({
  secret,
  kind,
  onClose,
}: {
  secret: CredentialRow;
  kind: 'deactivate' | 'delete' | 'revoke' | null;
  onClose: () => void;
}) {
  const { pending, error, setError, run } = useDialogAction();
  const texts = {
    deactivate: {
      title: 'Deactivate this secret?',
      body: 'Applications using it will no longer be able to obtain access tokens. You can activate it again later.',
      button: 'Deactivate',
      done: 'deactivated',
    },
    delete: {
      title: 'Delete this secret?',
      body: 'The secret is removed from your credentials for good. This cannot be undone.',
      button: 'Delete',
      done: 'deleted',
    },
    revoke: {
      title: 'Revoke the access tokens this secret issued?',
      body: 'The API refuses every access token it issued, at once, instead of letting them live out their 30 minutes.',
      button: 'Revoke tokens',
      done: 'had its issued tokens revoked',
    },
  } as const;
  const [usage, setUsage] = useState<UsageSummary | null>(null);
  const [revoke, setRevoke] = useState(false);

  useEffect(() => {
    setError(null);
    setRevoke(false);
    setUsage(null);
    if (!kind) return;
    let current = true;
    getCredentialUsageAction({ credentialId: secret.id })
      .then((result) => current && result.ok && setUsage(result.usage))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [kind, secret.id, setError]);

  const warning = usage && kind !== 'revoke' ? usageWarning(usage) : null;
  // Written for secrets; a public key or a workload reads in its own words ("Delete this public key?").
  const text = kind
    ? { ...texts[kind], title: forKind(texts[kind].title, secret.kind), body: forKind(texts[kind].body, secret.kind) }
    : null;

  return (
    <ConfirmDialog
      open={kind !== null}
      onOpenChange={(open) => !open && onClose()}
      title={text?.title}
      description={
        text && (
          <>
            <span className="font-medium text-slate-900">{secret.name}</span> (
            <span className="font-mono">{secret.preview}</span>): {text.body}
            {kind === 'revoke' && usage
              ? ` ${usage.unexpiredTokens.toLocaleString('en-US')} have not expired yet.`
              : ''}
          </>
        )
      }
      pending={pending}
      error={error?.message}
      confirmLabel={text?.button}
      onConfirm={() =>
        text &&
        run(
          () =>
            kind === 'delete'
              ? deleteCredentialAction({ credentialId: secret.id })
              : deactivateCredentialAction({
                  credentialId: secret.id,
                  ...(revoke || kind === 'revoke' ? { revokeTokens: true } : {}),
                }),
          () => {
            toast.success(`${KIND_WORDS[secret.kind].label} ${secret.name} ${text.done}.`);
            onClose();
          },
        )
      }
    >
      {warning && (
        <p
          role="status"
          className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/20"
        >
          {warning} Make sure nothing still depends on it.
        </p>
      )}
      {kind === 'deactivate' && usage && usage.unexpiredTokens > 0 && (
        <label className="mt-4 flex items-start gap-2 text-sm text-slate-700">
          <input
            type="checkbox"
            className="mt-0.5"
            checked={revoke}
            onChange={(event) => setRevoke(event.target.checked)}
          />
          <span>
            Also revoke the {usage.unexpiredTokens.toLocaleString('en-US')} access token
            {usage.unexpiredTokens === 1 ? '' : 's'} it issued that have not expired yet (the API refuses them at once).
          </span>
        </label>
      )}
    </ConfirmDialog>
  );
}
