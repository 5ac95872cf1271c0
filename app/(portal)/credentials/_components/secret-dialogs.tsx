'use client';

import { useEffect, useState, useTransition, type ReactNode } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { Dialog, DialogContent, DialogDescription, DialogTitle, DialogActions, DialogError } from '@/components/ui/dialog';
import { AlertDialog, AlertDialogContent, AlertDialogDescription, AlertDialogTitle, ConfirmActions } from '@/components/ui/alert-dialog';
import { FieldError, Input } from '@/components/ui/input';
import { relativeText } from '@/components/local-time';
import { useReauth } from '@/components/auth/reauth-provider';
import type { UsageSummary } from '@/lib/data/secret-usage';
import {
  deactivateSecretAction,
  deleteSecretAction,
  getSecretUsageAction,
  makeDecoyAction,
  renameSecretAction,
  setAllowedRangesAction,
  setSecretExpiryAction,
  type ActionResult,
} from '../actions';
import type { SecretRow } from './types';

const UNREACHABLE = { ok: false as const, message: 'The portal could not be reached. Check your connection and try again.' };

/** Runs an action, keeping the dialog open with the error on failure (never a success toast after a failure). */
export function useDialogAction() {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<{ message: string; fieldErrors?: Record<string, string> } | null>(null);
  function run<T>(action: () => Promise<ActionResult<T>>, onSuccess: (result: { ok: true } & T) => void) {
    setError(null);
    startTransition(async () => {
      const result = await ensure(action).catch(() => UNREACHABLE);
      if (result.ok) onSuccess(result as { ok: true } & T);
      else setError({ message: result.message, fieldErrors: 'fieldErrors' in result ? result.fieldErrors : undefined });
    });
  }
  return { pending, error, setError, run };
}

function FormDialog({
  open,
  onOpenChange,
  title,
  description,
  submitLabel,
  pending,
  error,
  onSubmit,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: string;
  description: ReactNode;
  submitLabel: string;
  pending: boolean;
  error: { message: string; fieldErrors?: Record<string, string> } | null;
  onSubmit: (form: FormData) => void;
  children: ReactNode;
}) {
  return (
    <Dialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <DialogContent>
        <DialogTitle>{title}</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
        <form
          className="mt-5"
          onSubmit={(event) => {
            event.preventDefault();
            onSubmit(new FormData(event.currentTarget));
          }}
        >
          {children}
          {error && !error.fieldErrors && (
            <p role="alert" className="mt-3 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
              {error.message}
            </p>
          )}
          <DialogActions>
            <Button variant="secondary" onClick={() => onOpenChange(false)} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {submitLabel}
            </Button>
          </DialogActions>
        </form>
      </DialogContent>
    </Dialog>
  );
}

type DialogProps = { secret: SecretRow; open: boolean; onOpenChange: (open: boolean) => void };

export function RenameDialog({ secret, open, onOpenChange }: DialogProps) {
  const { pending, error, setError, run } = useDialogAction();
  useEffect(() => setError(null), [open, setError]);
  const fieldError = error?.fieldErrors?.name;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Rename secret"
      description={<>A name tells your secrets apart; the value <span className="font-mono">{secret.preview}</span> does not change.</>}
      submitLabel="Save"
      pending={pending}
      error={error}
      onSubmit={(form) =>
        run(
          () => renameSecretAction({ secretId: secret.id, name: String(form.get('name') ?? '') }),
          (result) => {
            toast.success(`Secret renamed to “${result.name}”.`);
            onOpenChange(false);
          },
        )
      }
    >
      <label htmlFor={`rename-${secret.id}`} className="block text-sm font-medium text-slate-700">
        Name
      </label>
      <Input
        id={`rename-${secret.id}`}
        name="name"
        defaultValue={secret.name}
        maxLength={64}
        required
        autoFocus
        className="mt-1.5"
        aria-invalid={!!fieldError}
        aria-describedby={`rename-${secret.id}-error`}
      />
      <FieldError id={`rename-${secret.id}-error`} message={fieldError} />
    </FormDialog>
  );
}

const PRESETS = [
  { value: 'none', label: 'No expiry' },
  { value: '30', label: 'In 30 days' },
  { value: '90', label: 'In 90 days' },
  { value: '365', label: 'In 365 days' },
  { value: 'date', label: 'On a date' },
] as const;

/** The instant a preset or a chosen date means, in the admin's own time zone (a date ends at its local midnight). */
function expiryFrom(choice: string, date: string): string | null | undefined {
  if (choice === 'none') return null;
  if (choice === 'date') {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    return new Date(y, m - 1, d + 1).toISOString();
  }
  return new Date(Date.now() + Number(choice) * 86_400_000).toISOString();
}

export function ExpiryDialog({ secret, open, onOpenChange }: DialogProps) {
  const { pending, error, setError, run } = useDialogAction();
  const [choice, setChoice] = useState<string>(secret.expiresAt ? 'date' : 'none');
  useEffect(() => {
    setError(null);
    if (open) setChoice(secret.expiresAt ? 'date' : 'none');
  }, [open, setError, secret.expiresAt]);
  const today = new Date();
  const minDate = new Date(today.getFullYear(), today.getMonth(), today.getDate()).toLocaleDateString('en-CA');
  // Stored as the midnight that ends the chosen day: show the day itself.
  const current = secret.expiresAt ? new Date(Date.parse(secret.expiresAt) - 1) : null;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Set expiry"
      description="From its expiry on, the secret is refused at the token endpoint and cannot be activated again."
      submitLabel="Save expiry"
      pending={pending}
      error={error}
      onSubmit={(form) => {
        const expiresAt = expiryFrom(choice, String(form.get('date') ?? ''));
        if (expiresAt === undefined) {
          setError({ message: 'Choose a date.' });
          return;
        }
        run(
          () => setSecretExpiryAction({ secretId: secret.id, expiresAt }),
          () => {
            toast.success(expiresAt ? `Secret ${secret.name} expires ${new Date(expiresAt).toLocaleString()}.` : `Secret ${secret.name} no longer expires.`);
            onOpenChange(false);
          },
        );
      }}
    >
      <fieldset>
        <legend className="text-sm font-medium text-slate-700">Expires</legend>
        <div className="mt-2 grid gap-2 sm:grid-cols-2">
          {PRESETS.map((preset) => (
            <label key={preset.value} className="flex items-center gap-2 rounded-md px-3 py-2 text-sm ring-1 ring-slate-200 has-checked:ring-2 has-checked:ring-indigo-600">
              <input type="radio" name="choice" value={preset.value} checked={choice === preset.value} onChange={() => setChoice(preset.value)} />
              {preset.label}
            </label>
          ))}
        </div>
      </fieldset>
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
          <p className="mt-1 text-xs text-slate-500">The secret stops working at the end of that day, your time.</p>
        </div>
      )}
    </FormDialog>
  );
}

export function AllowlistDialog({ secret, open, onOpenChange }: DialogProps) {
  const { pending, error, setError, run } = useDialogAction();
  useEffect(() => setError(null), [open, setError]);
  const fieldError = error?.fieldErrors?.ranges;
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Allowed addresses"
      description="The token endpoint accepts this secret only from these IPv4 or IPv6 addresses and ranges. Leave empty to allow any address."
      submitLabel="Save addresses"
      pending={pending}
      error={error}
      onSubmit={(form) =>
        run(
          () => setAllowedRangesAction({ secretId: secret.id, ranges: String(form.get('ranges') ?? '') }),
          (result) => {
            toast.success(result.ranges.length ? `Secret ${secret.name} now works from ${result.ranges.length} range(s) only.` : `Secret ${secret.name} works from any address.`);
            onOpenChange(false);
          },
        )
      }
    >
      <label htmlFor={`ranges-${secret.id}`} className="block text-sm font-medium text-slate-700">
        Addresses and ranges (CIDR), one per line
      </label>
      <textarea
        id={`ranges-${secret.id}`}
        name="ranges"
        rows={5}
        defaultValue={secret.allowedCidrs.join('\n')}
        placeholder={'203.0.113.0/24\n2001:db8::/32'}
        aria-invalid={!!fieldError}
        aria-describedby={`ranges-${secret.id}-error`}
        className="mt-1.5 block w-full rounded-md border-0 px-3 py-2 font-mono text-sm shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-500"
      />
      <FieldError id={`ranges-${secret.id}-error`} message={fieldError} />
    </FormDialog>
  );
}

/** "This secret obtained 1,204 tokens in the last hour; the last one 12 seconds ago." */
export function usageWarning(usage: UsageSummary, now = Date.now()): string | null {
  if (usage.last24Hours === 0) return null;
  const count = usage.lastHour > 0 ? usage.lastHour : usage.last24Hours;
  const period = usage.lastHour > 0 ? 'in the last hour' : 'in the last 24 hours';
  const plural = count === 1 ? 'token' : 'tokens';
  const last = usage.lastUsedAt ? `; the last one ${relativeText(new Date(usage.lastUsedAt), now)}` : '';
  return `This secret obtained ${count.toLocaleString('en-US')} ${plural} ${period}${last}.`;
}

export function ConfirmStatusDialog({
  secret,
  kind,
  onClose,
}: {
  secret: SecretRow;
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
    getSecretUsageAction({ secretId: secret.id })
      .then((result) => current && result.ok && setUsage(result.usage))
      .catch(() => {});
    return () => {
      current = false;
    };
  }, [kind, secret.id, setError]);

  const warning = usage && kind !== 'revoke' ? usageWarning(usage) : null;
  const text = kind ? texts[kind] : null;

  return (
    <AlertDialog open={kind !== null} onOpenChange={(open) => !open && !pending && onClose()}>
      {kind && text && (
        <AlertDialogContent>
          <AlertDialogTitle>{text.title}</AlertDialogTitle>
          <AlertDialogDescription>
            <span className="font-medium text-slate-900">{secret.name}</span> (<span className="font-mono">{secret.preview}</span>): {text.body}
            {kind === 'revoke' && usage ? ` ${usage.unexpiredTokens.toLocaleString('en-US')} have not expired yet.` : ''}
          </AlertDialogDescription>
          {warning && (
            <p role="status" className="mt-4 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-600/20">
              {warning} Make sure nothing still depends on it.
            </p>
          )}
          {kind === 'deactivate' && usage && usage.unexpiredTokens > 0 && (
            <label className="mt-4 flex items-start gap-2 text-sm text-slate-700">
              <input type="checkbox" className="mt-0.5" checked={revoke} onChange={(event) => setRevoke(event.target.checked)} />
              <span>
                Also revoke the {usage.unexpiredTokens.toLocaleString('en-US')} access token{usage.unexpiredTokens === 1 ? '' : 's'} it
                issued that have not expired yet (the API refuses them at once).
              </span>
            </label>
          )}
          <DialogError message={error?.message} />
          <ConfirmActions pending={pending} onConfirm={() =>
                run(
                  () =>
                    kind === 'delete'
                      ? deleteSecretAction({ secretId: secret.id })
                      : deactivateSecretAction({ secretId: secret.id, ...(revoke || kind === 'revoke' ? { revokeTokens: true } : {}) }),
                  () => {
                    toast.success(`Secret ${secret.name} ${text.done}.`);
                    onClose();
                  },
                )
              }>
              {text.button}
            </ConfirmActions>
        </AlertDialogContent>
      )}
    </AlertDialog>
  );
}

export function DecoyDialog({ secret, open, onOpenChange }: DialogProps) {
  const { pending, error, setError, run } = useDialogAction();
  useEffect(() => setError(null), [open, setError]);
  return (
    <AlertDialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <AlertDialogContent>
        <AlertDialogTitle>Make this secret a decoy?</AlertDialogTitle>
        <AlertDialogDescription>
          <span className="font-medium text-slate-900">{secret.name}</span> (<span className="font-mono">{secret.preview}</span>) will
          never be valid. Plant it where a leak would expose it (a config file, a repository): anyone who tries it gets an ordinary
          error, and your admins get an alarm with their address. This cannot be undone.
        </AlertDialogDescription>
        <DialogError message={error?.message} />
        <ConfirmActions pending={pending} variant="primary" onConfirm={() =>
                run(
                () => makeDecoyAction({ secretId: secret.id }),
                () => {
                  toast.success(`Secret ${secret.name} is now a decoy.`);
                  onOpenChange(false);
                },
              )
              }>
              Make decoy
            </ConfirmActions>
      </AlertDialogContent>
    </AlertDialog>
  );
}
