import type { Metadata } from 'next';
import { ChevronRight } from 'lucide-react';
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
      <header>
        <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-sm text-slate-500">
          <span>Account</span>
          <ChevronRight className="size-3.5" aria-hidden />
          <span aria-current="page" className="text-slate-700">
            Security
          </span>
        </nav>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Security</h1>
        <p className="mt-2 max-w-2xl text-sm text-slate-600">How you sign in to the portal and where you are signed in.</p>
      </header>
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
