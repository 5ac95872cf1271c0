import Link from 'next/link';
import { Fragment } from 'react';
import { LocalTime } from '@/components/local-time';
import { Badge } from '@/components/ui/badge';
import { CopyButton } from '@/components/ui/copy-button';
import type { RequestLogRow } from '@/lib/data/request-log';
import { REASON_CATALOGUE, type LoggedEndpoint } from '@/lib/request-log/reasons';

/** What a successful request did, by endpoint. */
const SUCCESS_WORDS: Record<LoggedEndpoint, string> = {
  token: 'Token issued',
  revocation: 'Token revoked',
  introspection: 'Token introspected',
};

const ENDPOINT_PATHS: Record<LoggedEndpoint, string> = {
  token: '/api/oauth/token',
  revocation: '/api/oauth/revoke',
  introspection: '/api/oauth/introspect',
};

/**
 * The credential a request presented, or what the log says when none was proved: a secret that matched none,
 * or a request refused before any credential was checked (a malformed one, an unsupported scope).
 */
export function credentialText(row: Pick<RequestLogRow, 'credentialName' | 'reason'>): string {
  if (row.credentialName !== null) return row.credentialName;
  return row.reason === null || row.reason === 'secret_not_matched' ? 'No matching secret' : 'No credential checked';
}

/** The reason in words, or what a success did. */
export function reasonText(row: Pick<RequestLogRow, 'reason' | 'endpoint'>): string {
  return row.reason ? REASON_CATALOGUE[row.reason].label : SUCCESS_WORDS[row.endpoint];
}

export function OutcomeBadge({ outcome }: { outcome: RequestLogRow['outcome'] }) {
  return outcome === 'success' ? <Badge tone="green">Success</Badge> : <Badge tone="red">Refused</Badge>;
}

/** A sentence whose `scope` names are shown as code. */
export function ExplanationText({ text }: { text: string }) {
  return text.split('`').map((part, index) =>
    index % 2 === 1 ? (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed sentence
      <code key={index} className="rounded bg-slate-100 px-1 font-mono text-xs text-slate-800">
        {part}
      </code>
    ) : (
      // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one fixed sentence
      <Fragment key={index}>{part}</Fragment>
    ),
  );
}

/**
 * One logged request: outcome, reason and credential, the sentence that explains a refusal, and where it came
 * from (address and user agent only when `showCaller`: viewers do not see callers), with its Request ID.
 */
export function RequestRow({
  row,
  sentence,
  showCaller,
  href,
}: {
  row: RequestLogRow;
  sentence: string | null;
  showCaller: boolean;
  /** Where the request's own view is (the log found by its Request ID). */
  href: string;
}) {
  const reason = reasonText(row);
  const credential = credentialText(row);
  return (
    <li data-testid="request-row" className="px-4 py-3 sm:px-6">
      <div className="flex flex-col gap-1 sm:flex-row sm:items-start sm:justify-between sm:gap-4">
        <div className="min-w-0 space-y-1">
          {/* The gap lays the parts out; the spaces keep them apart for screen readers and copied text. */}
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
            <OutcomeBadge outcome={row.outcome} /> <span className="font-medium text-slate-900">{reason}</span>
            {credential !== reason && (
              <>
                {' '}
                <span aria-hidden className="text-slate-400">
                  ·
                </span>{' '}
                <span className="min-w-0 break-words text-slate-700">{credential}</span>
              </>
            )}
          </p>
          {sentence && (
            <p data-testid="request-explanation" className="max-w-3xl text-sm break-words text-slate-600">
              <ExplanationText text={sentence} />
            </p>
          )}
          <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-slate-500">
            <code className="font-mono">{ENDPOINT_PATHS[row.endpoint]}</code>{' '}
            {showCaller && (
              <>
                <span aria-hidden>·</span> <span className="font-mono break-all">{row.address}</span>{' '}
                <span aria-hidden>·</span>{' '}
                <span className="max-w-full truncate sm:max-w-72" title={row.userAgent || undefined}>
                  {row.userAgent || 'No user agent'}
                </span>{' '}
              </>
            )}
          </p>
          <p className="flex flex-wrap items-center gap-2 text-xs text-slate-500">
            <span>Request ID</span>{' '}
            <Link href={href} data-testid="request-id" className="font-mono break-all text-indigo-700 hover:underline">
              {row.id}
            </Link>{' '}
            <CopyButton value={row.id} label={`Copy request ID ${row.id}`} showText={false} className="h-6 w-6" />
          </p>
        </div>
        <span className="shrink-0 text-xs whitespace-nowrap text-slate-500">
          <LocalTime iso={row.at.toISOString()} />
        </span>
      </div>
    </li>
  );
}
