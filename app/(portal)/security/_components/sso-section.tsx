'use client';

import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import { CopyButton } from '@/components/ui/copy-button';
import { DialogError } from '@/components/ui/dialog';
import { Field, FieldError } from '@/components/ui/input';
import type { SsoSettingsView } from '@/lib/data/sso';
import { removeSsoSettingsAction, saveSsoSettingsAction } from '../sso-actions';
import { SecuritySection } from './section';
import { SsoSummary } from '@/components/sso/sso-summary';

const DESCRIPTION =
  'Members sign in through your identity provider (OpenID Connect): Okta, Microsoft Entra ID, Google Workspace, or a SAML-to-OIDC bridge.';

/** The organization's single sign-on: a form for its admins, the settings in words for everyone else. */
export function SsoSection({
  settings,
  canEdit,
  redirectUri,
}: {
  settings: SsoSettingsView;
  canEdit: boolean;
  redirectUri: string;
}) {
  return (
    <SecuritySection id="sso" title="Single sign-on" description={<p>{DESCRIPTION}</p>}>
      <div className="border-t border-slate-200">
        {canEdit ? <SsoForm settings={settings} redirectUri={redirectUri} /> : <SsoSummary settings={settings} />}
      </div>
    </SecuritySection>
  );
}

type FieldName = 'issuer' | 'clientId' | 'clientSecret' | 'domains' | 'breakGlassUserId';

function SsoForm({ settings, redirectUri }: { settings: SsoSettingsView; redirectUri: string }) {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  const [errors, setErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [error, setError] = useState<string | null>(null);
  const [requireSso, setRequireSso] = useState(settings.requireSso);

  function save(form: FormData) {
    setError(null);
    setErrors({});
    const input = {
      issuer: String(form.get('issuer') ?? ''),
      clientId: String(form.get('clientId') ?? ''),
      clientSecret: String(form.get('clientSecret') ?? ''),
      domains: String(form.get('domains') ?? ''),
      createAccounts: form.get('createAccounts') === 'on',
      requireSso: form.get('requireSso') === 'on',
      breakGlassUserId: String(form.get('breakGlassUserId') ?? ''),
      idpSatisfiesTwoFactor: form.get('idpSatisfiesTwoFactor') === 'on',
    };
    startTransition(async () => {
      const result = await ensure(() => saveSsoSettingsAction(input)).catch(() => UNREACHABLE);
      if (result.ok) {
        if (result.warning) toast.warning(`Single sign-on saved, but it will not work yet. ${result.warning}`);
        else toast.success('Single sign-on saved.');
        return;
      }
      const fieldErrors = 'fieldErrors' in result ? result.fieldErrors : undefined;
      if (fieldErrors) setErrors(fieldErrors);
      else setError(result.message);
    });
  }

  function turnOff() {
    setError(null);
    startTransition(async () => {
      const result = await ensure(() => removeSsoSettingsAction()).catch(() => UNREACHABLE);
      if (result.ok) toast.success('Single sign-on is off: members sign in with their password.');
      else setError(result.message);
    });
  }

  const checkbox = 'mt-0.5 size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600';
  return (
    <form
      // A form action would reset the fields; a typo should not cost the admin the rest.
      onSubmit={(event) => {
        event.preventDefault();
        save(new FormData(event.currentTarget));
      }}
      noValidate
      className="space-y-4 px-4 py-4 sm:px-6"
    >
      <div className="rounded-lg bg-slate-50 p-3 text-sm text-slate-700 ring-1 ring-slate-900/5">
        <p>
          Register the portal at your identity provider as a web application with this redirect URI, and the scopes{' '}
          <code className="font-mono text-xs">openid email profile</code>:
        </p>
        <div className="mt-2 flex flex-wrap items-center gap-2">
          <code className="font-mono text-xs break-all text-slate-900">{redirectUri}</code>
          <CopyButton value={redirectUri} label="Copy redirect URI" />
        </div>
      </div>
      <div className="grid gap-x-4 sm:grid-cols-2">
        <Field
          id="sso-issuer"
          name="issuer"
          label="Issuer URL"
          defaultValue={settings.issuer}
          placeholder="https://login.example.com"
          error={errors.issuer}
          mono
        />
        <Field
          id="sso-client-id"
          name="clientId"
          label="Client ID"
          defaultValue={settings.clientId}
          error={errors.clientId}
          mono
        />
        <Field
          id="sso-client-secret"
          name="clientSecret"
          type="password"
          label="Client secret"
          autoComplete="new-password"
          placeholder={settings.clientSecretSet ? 'Set: leave empty to keep it' : ''}
          hint={settings.clientSecretSet ? 'Stored encrypted; never shown again.' : 'Stored encrypted.'}
          error={errors.clientSecret}
        />
        <Field
          id="sso-domains"
          name="domains"
          label="Email domains"
          defaultValue={settings.domains.join(', ')}
          placeholder="example.com, example.org"
          hint="People whose email is in these domains sign in here. A domain belongs to one organization."
          error={errors.domains}
        />
      </div>
      <fieldset className="space-y-3">
        <legend className="sr-only">Single sign-on rules</legend>
        <label className="flex gap-3 text-sm text-slate-800">
          <input type="checkbox" name="createAccounts" defaultChecked={settings.createAccounts} className={checkbox} />
          <span>
            Create accounts for new people from these domains
            <span className="block text-slate-500">They join as Viewers; an admin can change their role.</span>
          </span>
        </label>
        <label className="flex gap-3 text-sm text-slate-800">
          <input
            type="checkbox"
            name="idpSatisfiesTwoFactor"
            defaultChecked={settings.idpSatisfiesTwoFactor}
            className={checkbox}
          />
          <span>
            The identity provider’s sign-in counts as the second factor
            <span className="block text-slate-500">
              Only if it enforces multi-factor sign-in itself; otherwise members with two-factor are asked for it too.
            </span>
          </span>
        </label>
        <label className="flex gap-3 text-sm text-slate-800">
          <input
            type="checkbox"
            name="requireSso"
            checked={requireSso}
            onChange={(event) => setRequireSso(event.target.checked)}
            className={checkbox}
          />
          <span>
            Require single sign-on
            <span className="block text-slate-500">
              Password sign-in is refused to every member except the break-glass admin, so that an outage of the
              identity provider cannot lock everyone out.
            </span>
          </span>
        </label>
      </fieldset>
      <div>
        <label htmlFor="sso-break-glass" className="block text-sm font-medium text-slate-700">
          Break-glass admin{!requireSso && <span className="font-normal text-slate-500"> (optional)</span>}
        </label>
        <select
          id="sso-break-glass"
          name="breakGlassUserId"
          defaultValue={settings.breakGlassUserId ?? ''}
          aria-describedby="sso-break-glass-hint sso-break-glass-error"
          aria-invalid={!!errors.breakGlassUserId}
          className="mt-1.5 block w-full rounded-md border-0 py-2 pr-8 pl-3 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 sm:max-w-sm"
        >
          <option value="">None</option>
          {settings.admins.map((admin) => (
            <option key={admin.userId} value={admin.userId} disabled={!admin.twoFactorEnabled}>
              {admin.name} ({admin.email}){admin.twoFactorEnabled ? '' : ': no two-factor'}
            </option>
          ))}
        </select>
        <p id="sso-break-glass-hint" className="mt-1.5 text-xs text-slate-500">
          An admin with two-factor authentication who may still sign in with a password.
        </p>
        <FieldError id="sso-break-glass-error" message={errors.breakGlassUserId} />
      </div>
      <DialogError message={error} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={pending}>
          {pending ? 'Saving…' : 'Save single sign-on'}
        </Button>
        {settings.configured && (
          <Button type="button" variant="secondary" onClick={turnOff} disabled={pending}>
            Turn off single sign-on
          </Button>
        )}
      </div>
    </form>
  );
}
