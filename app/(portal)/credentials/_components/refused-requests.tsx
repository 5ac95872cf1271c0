import Link from 'next/link';
import { RequestRow } from '@/components/request-log/request-row';
import type { RequestLogRow } from '@/lib/data/request-log';
import { explainRequest, type CredentialFacts } from '@/lib/request-log/explain';
import { REASON_CATALOGUE, type RefusalReason } from '@/lib/request-log/reasons';

/** How far back the section counts, in words and days. */
export const REFUSED_REQUESTS_DAYS = 7;

/**
 * A credential's refused requests: how many per reason over the last 7 days, the latest few with their
 * sentences (the request log's rows), and a link to the log filtered to the credential.
 */
export function RefusedRequests({
  credentialId,
  totals,
  latest,
  facts,
  showCaller,
  now,
}: {
  credentialId: string;
  totals: { reason: RefusalReason; count: number }[];
  latest: RequestLogRow[];
  facts: CredentialFacts | null;
  showCaller: boolean;
  now: Date;
}) {
  const total = totals.reduce((sum, row) => sum + row.count, 0);
  return (
    <section aria-labelledby="refused-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
        <div className="flex flex-col gap-1 sm:flex-row sm:items-baseline sm:justify-between">
          <h2 id="refused-heading" className="text-base font-semibold">
            Refused requests, last {REFUSED_REQUESTS_DAYS} days
          </h2>
          <Link
            href={`/request-log?credential=${credentialId}`}
            className="text-sm font-medium text-indigo-700 hover:underline"
          >
            See all its requests in the Request log
          </Link>
        </div>
        {total > 0 ? (
          <ul aria-label="Refusals by reason" className="mt-3 flex flex-wrap gap-2 text-sm">
            {totals.map(({ reason, count }) => (
              <li key={reason} className="rounded-md bg-slate-50 px-2.5 py-1 text-slate-700 ring-1 ring-slate-200">
                {REASON_CATALOGUE[reason].label}{' '}
                <span className="font-medium text-slate-900 tabular-nums">{count.toLocaleString('en-US')}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p className="mt-2 text-sm text-slate-600">
            No request with this credential was refused in the last {REFUSED_REQUESTS_DAYS} days.
          </p>
        )}
      </div>
      {latest.length > 0 && (
        <>
          <h3 className="px-4 pt-3 text-xs font-medium tracking-wide text-slate-500 uppercase sm:px-6">Latest</h3>
          <ol className="divide-y divide-slate-100">
            {latest.map((row) => (
              <RequestRow
                key={row.id}
                row={row}
                sentence={explainRequest({ ...row, address: showCaller ? row.address : null }, facts, now)}
                showCaller={showCaller}
                href={`/request-log?id=${row.id}`}
              />
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
