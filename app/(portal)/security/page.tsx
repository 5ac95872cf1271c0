import type { Metadata } from 'next';
import { ShieldAlert, ShieldCheck, ShieldOff } from 'lucide-react';
import { PageHeader } from '@/components/page-header';
import { requireActor } from '@/lib/auth/session';
import { canManageCredentials } from '@/lib/identity/actor';
import { enrollMessage, mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { getTwoFactorStatus } from '@/lib/data/two-factor';
import { emailPreferences } from '@/lib/data/mail-preferences';
import { ChangePasswordForm } from './_components/change-password-form';
import { ReauthWindowSetting } from './_components/reauth-window-setting';
import { SessionsSection } from './_components/sessions-section';
import { SecuritySection } from './_components/section';
import { TotpSection } from './_components/totp-section';
import { PasskeysSection } from './_components/passkeys-section';
import { RecoveryCodesSection } from './_components/recovery-codes-section';
import { RequireTwoFactorSetting } from './_components/require-two-factor-setting';
import { EmailPreferences } from './_components/email-preferences';
import { SsoSection } from './_components/sso-section';
import { ssoSettings } from '@/lib/data/sso';
import { ssoRedirectUri } from '@/lib/auth/sso';

export const metadata: Metadata = { title: 'Security' };

export default async function SecurityPage() {
  const actor = await requireActor();
  const [status, preferences, sso] = await Promise.all([
    getTwoFactorStatus({ userId: actor.userId }),
    emailPreferences({ actor }),
    ssoSettings({ actor }),
  ]);
  // Read from the status just loaded, not the actor, so the page agrees with itself after a change.
  const blocked = (['manage_credentials', 'support_console'] as const).find((what) =>
    mustEnrollTwoFactor({ ...actor, twoFactorEnabled: status.enabled }, what),
  );

  return (
    <div className="space-y-8">
      <PageHeader
        section="Account"
        title="Security"
        description="How you sign in to the portal and where you are signed in."
      />

      {blocked && (
        <p
          role="alert"
          className="flex gap-3 rounded-lg bg-amber-50 p-4 text-sm font-medium text-amber-900 ring-1 ring-amber-600/30"
        >
          <ShieldAlert className="mt-0.5 size-5 shrink-0" aria-hidden />
          {enrollMessage(blocked)}
        </p>
      )}

      <div className="space-y-4">
        <SecuritySection
          id="two-factor"
          title="Two-factor authentication"
          description={
            <p data-testid="two-factor-status" className="flex items-center gap-2">
              {status.enabled ? (
                <>
                  <ShieldCheck className="size-4 shrink-0 text-emerald-600" aria-hidden />
                  On: signing in needs your password and a code or passkey.
                </>
              ) : (
                <>
                  <ShieldOff className="size-4 shrink-0 text-slate-500" aria-hidden />
                  Off: your password alone signs you in. Add an authenticator app or a passkey to turn it on.
                </>
              )}
            </p>
          }
        />
        <TotpSection enabled={status.totp} lastFactor={status.passkeys.length === 0} />
        <PasskeysSection
          passkeys={status.passkeys.map((passkey) => ({
            id: passkey.id,
            name: passkey.name,
            createdAt: passkey.createdAt.toISOString(),
            lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
          }))}
          otherFactors={status.totp}
        />
        <RecoveryCodesSection enabled={status.enabled} left={status.recoveryCodesLeft} />
      </div>

      {canManageCredentials(actor) && (
        <section
          aria-labelledby="organization-heading"
          className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5"
        >
          <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
            <h2 id="organization-heading" className="text-base font-semibold text-slate-900">
              Organization
            </h2>
            <p className="mt-1 text-sm text-slate-600">
              Settings for every member of {actor.membership.organizationName}.
            </p>
          </div>
          <div className="space-y-6 px-4 py-4 sm:px-6">
            <RequireTwoFactorSetting required={actor.membership.requireTwoFactor} />
            <ReauthWindowSetting minutes={actor.reauthWindowMinutes} />
          </div>
        </section>
      )}
      {sso && <SsoSection settings={sso} canEdit={canManageCredentials(actor)} redirectUri={ssoRedirectUri()} />}
      {preferences && (
        <SecuritySection
          id="email"
          title="Email"
          description="Emails about your organization’s credentials go to every admin; choose which you get. Emails about your own account (a sign-in from a new browser, a changed password or second factor) are always sent."
        >
          <EmailPreferences preferences={preferences} />
        </SecuritySection>
      )}
      <SessionsSection userId={actor.userId} currentSessionId={actor.session?.id ?? null} />
      <ChangePasswordForm />
    </div>
  );
}
