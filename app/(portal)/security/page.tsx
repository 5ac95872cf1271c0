import type { Metadata } from 'next';
import { ShieldAlert, ShieldCheck, ShieldOff } from 'lucide-react';
import { requireActor } from '@/lib/auth/session';
import { canManageSecrets } from '@/lib/auth/actor';
import { enrollMessage, mustEnrollTwoFactor } from '@/lib/auth/two-factor-policy';
import { getTwoFactorStatus } from '@/lib/data/two-factor';
import { SecuritySection } from './_components/section';
import { TotpSection } from './_components/totp-section';
import { PasskeysSection } from './_components/passkeys-section';
import { RecoveryCodesSection } from './_components/recovery-codes-section';
import { OrganizationSection } from './_components/organization-section';

export const metadata: Metadata = { title: 'Security' };

export default async function SecurityPage() {
  const actor = await requireActor();
  const status = await getTwoFactorStatus({ userId: actor.userId });
  // Read from the status just loaded, not the actor, so the page agrees with itself after a change.
  const blocked = (['manage_secrets', 'support_console'] as const).find((what) =>
    mustEnrollTwoFactor({ ...actor, twoFactorEnabled: status.enabled }, what),
  );

  return (
    <div className="space-y-6">
      <header>
        <p className="text-sm text-slate-500">Account</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Security</h1>
        <p className="mt-2 max-w-2xl text-sm text-slate-600">How you sign in to {actor.email}, and what protects it if your password leaks.</p>
      </header>

      {blocked && (
        <p role="alert" className="flex gap-3 rounded-lg bg-amber-50 p-4 text-sm font-medium text-amber-900 ring-1 ring-amber-600/30">
          <ShieldAlert className="mt-0.5 size-5 shrink-0" aria-hidden />
          {enrollMessage(blocked)}
        </p>
      )}

      <SecuritySection
        id="two-factor"
        title="Two-factor authentication"
        description={
          <p data-testid="two-factor-status" className="flex items-center gap-2">
            {status.enabled ? (
              <>
                <ShieldCheck className="size-4 text-emerald-600" aria-hidden />
                On: signing in needs your password and a code or passkey.
              </>
            ) : (
              <>
                <ShieldOff className="size-4 text-slate-500" aria-hidden />
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
      {canManageSecrets(actor) && (
        <OrganizationSection organizationName={actor.membership.organizationName} required={actor.membership.requireTwoFactor} />
      )}
    </div>
  );
}
