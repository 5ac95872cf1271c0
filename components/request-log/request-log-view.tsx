import { Activity, Search } from 'lucide-react';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { LocalTime } from '@/components/local-time';
import { DetailList } from '@/components/ui/detail-list';
import { FilterSelect } from '@/components/ui/filter-select';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import type { RequestLogRead, RequestLogRow } from '@/lib/data/request-log';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import { explainRequest, type CredentialFacts } from '@/lib/request-log/explain';
import {
  encodeRequestCursor,
  filterParams,
  REQUEST_ID_FORMAT_MESSAGE,
  TIME_RANGES,
  type RequestLogQuery,
} from '@/lib/request-log/query';
import { OUTCOMES, REASON_CATALOGUE, REFUSAL_REASONS } from '@/lib/request-log/reasons';
import { RefusalsChart } from './refusals-chart';
import { RequestIdSearch } from './request-id-search';
import { credentialText, OutcomeBadge, reasonText, RequestRow } from './request-row';

const OUTCOME_WORDS = { success: 'Success', refused: 'Refused' } as const;

export interface RequestLogViewProps {
  /** The page the forms and links lead to. */
  basePath: string;
  query: RequestLogQuery;
  read: RequestLogRead;
  /** Addresses and user agents: admins and support see them, viewers do not. */
  showCaller: boolean;
  /** How often the endpoints write their batch, in seconds. */
  flushSeconds: number;
  now: Date;
  /** Where a credential's page is, when the reader has one to open. */
  credentialHref?: (credentialId: string) => string;
  /** Who "this account" is in the not-found message. */
  accountWords?: string;
}

/** A sentence for each row, with the facts read for it; the address left out when the reader may not see it. */
function sentenceOf(row: RequestLogRow, facts: Map<string, CredentialFacts>, showCaller: boolean, now: Date) {
  const credential = row.credentialId ? (facts.get(row.credentialId) ?? null) : null;
  return explainRequest({ ...row, address: showCaller ? row.address : null }, credential, now);
}

/**
 * The request log of one organization: the Request ID search, the refusals chart, the filters and a page of
 * requests, newest first. Shared by Development › Request log and the support console; everything comes from
 * the query string, so each view is a link.
 */
export function RequestLogView(props: RequestLogViewProps) {
  const { basePath, query, read, flushSeconds } = props;
  return (
    <div className="space-y-8">
      <FindRequestForm basePath={basePath} query={query} found={read.view === 'found' ? read.found : undefined} />
      {read.view === 'found' ? (
        <FoundRequest {...props} found={read.found} facts={read.facts} />
      ) : (
        <>
          <section
            aria-labelledby="refusals-heading"
            className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-6"
          >
            <h2 id="refusals-heading" className="sr-only">
              Refusals
            </h2>
            <RefusalsChart buckets={read.chart} now={props.now} />
          </section>
          <Filters basePath={basePath} query={query} credentials={read.credentials} />
          <section aria-labelledby="requests-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
            <div className="flex flex-col gap-1 border-b border-slate-200 px-4 py-4 sm:flex-row sm:items-baseline sm:justify-between sm:px-6">
              <h2 id="requests-heading" className="text-base font-semibold">
                Requests, newest first
              </h2>
              <p className="text-xs text-slate-500">
                Updated every {flushSeconds === 1 ? 'second' : `${flushSeconds} seconds`}: a request appears once its
                batch is written.
              </p>
            </div>
            {read.rows.length === 0 ? (
              <EmptyState
                icon={Activity}
                title={filterParams(query).size || query.before ? 'No requests match' : 'No requests yet'}
              >
                {filterParams(query).size || query.before
                  ? 'Nothing in the log matches these filters. Widen the time range or clear the filters.'
                  : 'Requests to the token, revocation and introspection endpoints with your Client ID appear here, kept for 30 days.'}
              </EmptyState>
            ) : (
              <ol className="divide-y divide-slate-100">
                {read.rows.map((row) => (
                  <RequestRow
                    key={row.id}
                    row={row}
                    sentence={sentenceOf(row, read.facts, props.showCaller, props.now)}
                    showCaller={props.showCaller}
                    href={`${basePath}?id=${row.id}`}
                  />
                ))}
              </ol>
            )}
            <Paging basePath={basePath} query={query} hasOlder={read.hasOlder} last={read.rows.at(-1)} />
          </section>
        </>
      )}
    </div>
  );
}

function FindRequestForm({
  basePath,
  query,
  found,
}: {
  basePath: string;
  query: RequestLogQuery;
  found: RequestLogRow | null | undefined;
}) {
  const invalid = query.requestId !== undefined && !query.requestIdValid;
  return (
    <RequestIdSearch
      id="request-id"
      action={basePath}
      name="id"
      label="Request ID"
      formLabel="Find a request by its ID"
      defaultValue={query.requestId ?? ''}
      message={invalid ? REQUEST_ID_FORMAT_MESSAGE : null}
      invalid={invalid || found === null}
      hint="The Request-Id header of every answer of the token, revocation and introspection endpoints; SDKs log it."
      button={
        <Button type="submit">
          <Search className="size-4" aria-hidden />
          Find
        </Button>
      }
    />
  );
}

function FoundRequest({
  basePath,
  query,
  found,
  facts,
  showCaller,
  now,
  credentialHref,
  accountWords = 'this account',
}: RequestLogViewProps & { found: RequestLogRow | null; facts: Map<string, CredentialFacts> }) {
  const back = (
    <Link href={basePath} className="text-sm font-medium text-indigo-700 hover:underline">
      Back to the request log
    </Link>
  );
  if (!query.requestIdValid) return back;
  if (!found)
    return (
      <section aria-labelledby="found-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="found-heading" className="sr-only">
          Request {query.requestId}
        </h2>
        <EmptyState icon={Search} title={`No request with this ID in ${accountWords}`}>
          Requests are kept for 30 days and appear here once their batch is written. Check that the ID is from an answer
          to this account’s Client ID. {back}
        </EmptyState>
      </section>
    );
  const credential = found.credentialId ? facts.get(found.credentialId) : undefined;
  const sentence = sentenceOf(found, facts, showCaller, now);
  const details: [string, ReactNode][] = [
    ['Time', <LocalTime key="time" iso={found.at.toISOString()} />],
    ['Outcome', <OutcomeBadge key="outcome" outcome={found.outcome} />],
    ['Reason', reasonText(found)],
    ['HTTP status', String(found.status)],
    [
      'Credential',
      credential && credentialHref ? (
        <Link key="credential" href={credentialHref(credential.id)} className="text-indigo-700 hover:underline">
          {credential.name}
        </Link>
      ) : (
        credentialText(found)
      ),
    ],
  ];
  if (credential) details.push(['Kind', KIND_WORDS[credential.kind].label]);
  if (found.scopes.length) details.push(['Scopes refused', found.scopes.join(', ')]);
  if (showCaller) {
    details.push([
      'Address',
      <span key="address" className="font-mono text-xs break-all">
        {found.address}
      </span>,
    ]);
    details.push([
      'User agent',
      <span key="ua" className="break-all">
        {found.userAgent || 'No user agent'}
      </span>,
    ]);
  }
  return (
    <section aria-labelledby="found-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex flex-col gap-2 border-b border-slate-200 px-4 py-4 sm:flex-row sm:items-baseline sm:justify-between sm:px-6">
        <h2 id="found-heading" className="text-base font-semibold">
          Request found
        </h2>
        {back}
      </div>
      <ol>
        <RequestRow row={found} sentence={sentence} showCaller={showCaller} href={`${basePath}?id=${found.id}`} />
      </ol>
      <DetailList items={details} className="border-t border-slate-100" />
    </section>
  );
}

function Filters({
  basePath,
  query,
  credentials,
}: {
  basePath: string;
  query: RequestLogQuery;
  credentials: { id: string; name: string; kind: keyof typeof KIND_WORDS; status: string }[];
}) {
  const filtered = filterParams(query).size > 0;
  return (
    <form
      action={basePath}
      aria-label="Filter requests"
      className="grid grid-cols-2 items-end gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:p-6 lg:grid-cols-5"
    >
      <FilterSelect
        id="filter-credential"
        name="credential"
        label="Credential"
        defaultValue={query.credentialId ?? ''}
        anyLabel="All credentials"
        options={credentials.map((credential) => ({
          value: credential.id,
          label: `${credential.name} (${KIND_WORDS[credential.kind].one}${credential.status === 'DELETED' ? ', deleted' : ''})`,
        }))}
      />
      <FilterSelect
        id="filter-outcome"
        name="outcome"
        label="Outcome"
        defaultValue={query.outcome ?? ''}
        anyLabel="All outcomes"
        options={OUTCOMES.map((outcome) => ({ value: outcome, label: OUTCOME_WORDS[outcome] }))}
      />
      <FilterSelect
        id="filter-reason"
        name="reason"
        label="Reason"
        defaultValue={query.reason ?? ''}
        anyLabel="All reasons"
        options={REFUSAL_REASONS.map((reason) => ({ value: reason, label: REASON_CATALOGUE[reason].label }))}
      />
      <FilterSelect
        id="filter-range"
        name="range"
        label="Time range"
        defaultValue={query.range}
        options={Object.entries(TIME_RANGES).map(([value, { label }]) => ({ value, label }))}
      />
      <div className="col-span-2 flex gap-2 lg:col-span-1">
        <Button type="submit">Filter</Button>
        {filtered && (
          <Button variant="ghost" asChild>
            <Link href={basePath}>Clear</Link>
          </Button>
        )}
      </div>
    </form>
  );
}

function Paging({
  basePath,
  query,
  hasOlder,
  last,
}: {
  basePath: string;
  query: RequestLogQuery;
  hasOlder: boolean;
  last: RequestLogRow | undefined;
}) {
  if (!hasOlder && !query.before) return null;
  const params = filterParams(query);
  const newest = params.size ? `${basePath}?${params}` : basePath;
  const older = last && new URLSearchParams([...params, ['before', encodeRequestCursor(last)]]);
  return (
    <div className="flex justify-end gap-2 border-t border-slate-200 px-4 py-3 sm:px-6">
      {query.before && (
        <Button variant="ghost" asChild>
          <Link href={newest}>Newest</Link>
        </Button>
      )}
      {hasOlder && older && (
        <Button variant="secondary" asChild>
          <Link href={`${basePath}?${older}`}>Older</Link>
        </Button>
      )}
    </div>
  );
}
