import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PageHeader } from '@/components/page-header';
import { InfoNote } from '@/components/ui/info-note';
import { RequestLogView } from '@/components/request-log/request-log-view';
import { requireActor } from '@/lib/auth/session';
import { readRequestLog } from '@/lib/data/request-log';
import { env } from '@/lib/env';
import { canManageCredentials } from '@/lib/identity/actor';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { parseRequestLogQuery } from '@/lib/request-log/query';

export const metadata: Metadata = { title: 'Request log' };

const DESCRIPTION =
  'Every request your apps made to the token, revocation and introspection endpoints in the last 30 days, with why each refusal happened and what to do about it. Find one by the Request ID your SDK logged.';

export default async function RequestLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  if (actor.platformRole === 'SUPPORT') redirect('/support');
  // An admin whose organization requires two-factor sets it up before seeing anything of the credentials.
  if (mustEnrollTwoFactor(actor, 'manage_credentials')) redirect('/security');
  const header = <PageHeader section="Development" title="Request log" description={DESCRIPTION} />;
  if (!actor.membership) {
    return (
      <div className="space-y-8">
        {header}
        <InfoNote>
          Your account is not a member of a customer organization, so there are no requests to show here.
        </InfoNote>
      </div>
    );
  }
  const query = parseRequestLogQuery(await searchParams);
  const now = new Date();
  const read = await readRequestLog({ organizationId: actor.membership.organizationId, query, now });
  // Callers' addresses and user agents are for admins, as on a credential's page.
  const isAdmin = canManageCredentials(actor);

  return (
    <div className="space-y-8">
      {header}
      {!isAdmin && <InfoNote>Callers’ addresses and user agents are shown to admins.</InfoNote>}
      <RequestLogView
        basePath="/request-log"
        query={query}
        read={read}
        showCaller={isAdmin}
        flushSeconds={Math.max(1, Math.round(env.USAGE_FLUSH_MS / 1000))}
        now={now}
        credentialHref={(id) => `/credentials/${id}`}
      />
    </div>
  );
}
