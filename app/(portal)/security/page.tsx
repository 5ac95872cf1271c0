import type { Metadata } from 'next';
import { PageHeader } from '@/components/page-header';
import { requireActor } from '@/lib/auth/session';
import { canManageSecrets } from '@/lib/auth/actor';
import { ChangePasswordForm } from './_components/change-password-form';
import { ReauthWindowSetting } from './_components/reauth-window-setting';
import { SessionsSection } from './_components/sessions-section';

export const metadata: Metadata = { title: 'Security' };

export default async function SecurityPage() {
  const actor = await requireActor();
  return (
    <div className="space-y-8">
      <PageHeader section="Account" title="Security" description="How you sign in to the portal and where you are signed in." />
      {canManageSecrets(actor) && (
        <section aria-labelledby="organization-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
          <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
            <h2 id="organization-heading" className="text-base font-semibold text-slate-900">
              Organization
            </h2>
            <p className="mt-1 text-sm text-slate-600">Settings for every member of {actor.membership.organizationName}.</p>
          </div>
          <div className="space-y-6 px-4 py-4 sm:px-6">
            <ReauthWindowSetting minutes={actor.reauthWindowMinutes} />
          </div>
        </section>
      )}
      <SessionsSection userId={actor.userId} currentSessionId={actor.session?.id ?? null} />
      <ChangePasswordForm />
    </div>
  );
}
