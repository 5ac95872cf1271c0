import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound, redirect } from 'next/navigation';
import { Search } from 'lucide-react';
import { requireActor } from '@/lib/auth/session';
import { findRequestForSupport, isSupport, searchOrganizations } from '@/lib/data/support';
import { REQUEST_ID_FORMAT_MESSAGE } from '@/lib/request-log/query';
import { isRequestId } from '@/lib/request-log/request-id';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { TwoFactorRequired } from './_components/two-factor-required';
import { RequestIdSearch } from '@/components/request-log/request-id-search';
import { Button } from '@/components/ui/button';
import { Input } from '@/components/ui/input';

export const metadata: Metadata = { title: 'Support' };

export default async function SupportPage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string | string[]; request?: string | string[] }>;
}) {
  const actor = await requireActor();
  // Customers' admins and viewers must not learn that this page exists.
  if (!isSupport(actor)) notFound();
  if (mustEnrollTwoFactor(actor, 'support_console')) return <TwoFactorRequired title="Organizations" />;
  const { q = '', request } = await searchParams;
  // Find a request: a Request ID a customer quotes opens it in its organization's request log (which records the view).
  const requestId = typeof request === 'string' ? request.trim() : undefined;
  let requestMessage: string | null = null;
  if (requestId !== undefined && requestId !== '') {
    if (!isRequestId(requestId)) requestMessage = REQUEST_ID_FORMAT_MESSAGE;
    else {
      const found = await findRequestForSupport({ actor, requestId });
      if (found.ok) redirect(`/support/request-log/${found.request.organizationId}?id=${requestId}`);
      requestMessage =
        'No request with this ID in any organization. Requests are kept for 30 days and appear once their batch is written, a few seconds after the answer.';
    }
  }
  const result = await searchOrganizations({ actor, query: typeof q === 'string' ? q : '' });
  const organizations = result.ok ? result.organizations : [];

  return (
    <div className="space-y-8">
      <header>
        <p className="text-sm text-slate-500">Support</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">Organizations</h1>
        <p className="mt-2 max-w-2xl text-sm text-slate-600">
          Find a customer by name, domain or Client ID and open their credentials, read-only, or open a request by the
          ID a customer quotes. Every view is recorded in the customer&apos;s audit log.
        </p>
      </header>
      <RequestIdSearch
        id="find-request"
        action="/support"
        name="request"
        label="Find a request"
        formLabel="Find a request"
        defaultValue={requestId ?? ''}
        message={requestMessage}
        hint="The Request ID a customer pastes from their SDK logs: it opens the request in its organization’s request log."
        button={
          <Button type="submit" variant="secondary">
            Open
          </Button>
        }
      />
      {/* biome-ignore lint/a11y/useSemanticElements: a form with role search is what every screen reader knows; <search> is too new */}
      <form role="search" className="max-w-xl" action="/support">
        <label htmlFor="support-search" className="block text-sm font-medium text-slate-700">
          Search organizations
        </label>
        <div className="mt-1.5 flex gap-2">
          <Input
            id="support-search"
            type="search"
            name="q"
            defaultValue={typeof q === 'string' ? q : ''}
            placeholder="Name, domain or Client ID"
          />
          <Button type="submit">
            <Search className="size-4" aria-hidden />
            Search
          </Button>
        </div>
      </form>
      <section aria-label="Organizations found" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        {organizations.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">
            No organization matches “{typeof q === 'string' ? q : ''}”.
          </p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {organizations.map((org) => (
              <li
                key={org.id}
                className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-center sm:justify-between sm:px-6"
              >
                <div className="min-w-0">
                  <Link
                    href={`/support/organizations/${org.id}`}
                    className="font-medium text-indigo-700 hover:underline"
                  >
                    {org.name}
                  </Link>
                  <p className="text-xs text-slate-500">{org.domain ?? 'No domain'}</p>
                </div>
                <code className="font-mono text-xs text-slate-600">{org.oauthClient?.clientId ?? 'No client'}</code>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
