import { Webhook } from 'lucide-react';
import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PageHeader } from '@/components/page-header';
import { InfoNote } from '@/components/ui/info-note';
import { EmptyState } from '@/components/ui/empty-state';
import { requireActor } from '@/lib/auth/session';
import {
  endpointAllowance,
  limitMessage,
  listEndpoints,
  SUBSCRIBABLE_EVENT_TYPES,
  WEBHOOK_DESCRIPTION_MAX,
} from '@/lib/data/webhook-endpoints';
import { canManageCredentials } from '@/lib/identity/actor';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { AddEndpointButton } from './_components/add-endpoint-button';
import { EndpointsTable } from './_components/endpoints-table';

export const metadata: Metadata = { title: 'Webhooks' };

const DESCRIPTION =
  'Webhooks tell your systems about your credentials as it happens: a secret created, rolled, expiring or reported leaked, a decoy used. Each event is a signed HTTPS POST to the endpoints you add here, retried for about a day until your endpoint accepts it.';

export default async function WebhooksPage() {
  const actor = await requireActor();
  if (actor.platformRole === 'SUPPORT') redirect('/support');
  // An admin whose organization requires two-factor sets it up before managing anything.
  if (mustEnrollTwoFactor(actor, 'manage_credentials')) redirect('/security');
  const header = <PageHeader section="Development" title="Webhooks" description={DESCRIPTION} />;
  if (!actor.membership) {
    return (
      <div className="space-y-8">
        {header}
        <InfoNote>
          Your account is not a member of a customer organization, so there are no webhooks to show here.
        </InfoNote>
      </div>
    );
  }

  const canManage = canManageCredentials(actor);
  const options = { eventTypes: SUBSCRIBABLE_EVENT_TYPES, descriptionMax: WEBHOOK_DESCRIPTION_MAX };
  const [endpoints, allowance] = await Promise.all([listEndpoints({ actor }), endpointAllowance({ actor })]);
  const addButton = canManage && <AddEndpointButton atLimit={!allowance.canAdd} options={options} />;

  return (
    <div className="space-y-8">
      {header}
      <section aria-labelledby="endpoints-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="endpoints-heading" className="text-base font-semibold">
            Endpoints
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Up to {allowance.max} per organization. Open one to see its recent deliveries and send any of them again.
          </p>
        </div>
        {endpoints.length === 0 ? (
          <EmptyState icon={Webhook} title="No endpoints yet">
            {canManage
              ? 'Add the URL of a receiver in your systems, and choose which events it gets. We sign every message, so your receiver can check it came from us.'
              : 'An admin of your organization can add one.'}
          </EmptyState>
        ) : (
          <EndpointsTable endpoints={endpoints} canManage={canManage} options={options} />
        )}
        <div className="flex flex-col gap-3 border-t border-slate-200 px-4 py-4 sm:flex-row sm:items-center sm:justify-end sm:gap-4 sm:px-6">
          {canManage ? (
            <>
              <p className="text-sm text-slate-600">
                {allowance.canAdd ? `${allowance.count} of ${allowance.max} endpoints in use.` : limitMessage()}
              </p>
              {addButton}
            </>
          ) : (
            <p className="text-sm text-slate-600">
              You have view-only access. Ask an admin of {actor.membership.organizationName} to add or change endpoints.
            </p>
          )}
        </div>
      </section>
    </div>
  );
}
