import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Eye } from 'lucide-react';
import { z } from 'zod';
import { Breadcrumb } from '@/components/breadcrumb';
import { RequestLogView } from '@/components/request-log/request-log-view';
import { requireActor } from '@/lib/auth/session';
import { readRequestLog } from '@/lib/data/request-log';
import { isSupport, viewOrganizationRequestLog } from '@/lib/data/support';
import { env } from '@/lib/env';
import { requestContext } from '@/lib/http/request';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { parseRequestLogQuery } from '@/lib/request-log/query';
import { TwoFactorRequired } from '../../_components/two-factor-required';

export const metadata: Metadata = { title: 'Customer request log' };

export default async function SupportRequestLogPage({
  params,
  searchParams,
}: {
  params: Promise<{ organizationId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  if (!isSupport(actor)) notFound();
  if (mustEnrollTwoFactor(actor, 'support_console')) return <TwoFactorRequired title="Customer request log" />;
  const { organizationId } = await params;
  if (!z.uuid().safeParse(organizationId).success) notFound();
  const query = parseRequestLogQuery(await searchParams);
  // Before anything is read: the view, and the Request ID looked for, go to the customer's audit log.
  const result = await viewOrganizationRequestLog({
    actor,
    organizationId,
    requestId: query.requestIdValid ? query.requestId : undefined,
    context: await requestContext(),
  });
  if (!result.ok) notFound();
  const { organization } = result;
  const now = new Date();
  const read = await readRequestLog({ organizationId, query, now });

  return (
    <div className="space-y-8">
      <header>
        <Breadcrumb
          trail={[
            { label: 'Organizations', href: '/support' },
            { label: organization.name, href: `/support/organizations/${organization.id}` },
          ]}
          current="Request log"
        />
        <h1 className="mt-2 text-2xl font-semibold tracking-tight break-words">{organization.name}: request log</h1>
        <p className="mt-2 flex items-center gap-2 text-sm text-slate-600">
          <Eye className="size-4 shrink-0" aria-hidden />
          Read-only view. This visit is recorded in the customer&apos;s audit log.
        </p>
        <p className="mt-2 text-sm text-slate-600">
          Client ID{' '}
          <code className="font-mono break-all text-slate-900">{organization.oauthClient?.clientId ?? '—'}</code>
        </p>
      </header>
      <RequestLogView
        basePath={`/support/request-log/${organization.id}`}
        query={query}
        read={read}
        showCaller
        flushSeconds={Math.max(1, Math.round(env.USAGE_FLUSH_MS / 1000))}
        now={now}
        accountWords={organization.name}
      />
    </div>
  );
}
