import { Send } from 'lucide-react';
import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { z } from 'zod';
import { LocalTime, RelativeTime } from '@/components/local-time';
import { Badge } from '@/components/ui/badge';
import { DetailList } from '@/components/ui/detail-list';
import { EmptyState } from '@/components/ui/empty-state';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { requireActor } from '@/lib/auth/session';
import { listDeliveries, type DeliveryView } from '@/lib/data/webhook-deliveries';
import { getEndpoint, SUBSCRIBABLE_EVENT_TYPES, WEBHOOK_DESCRIPTION_MAX } from '@/lib/data/webhook-endpoints';
import { RESPONSE_BODY_BYTES } from '@/lib/events/delivery-schedule';
import { canManageCredentials } from '@/lib/identity/actor';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { EndpointRowActions } from '../_components/endpoint-row-actions';
import { EndpointStatusBadge } from '../_components/endpoint-status-badge';
import { editableOf, EventTypesText } from '../_components/endpoints-table';
import { ResendButton } from '../_components/resend-button';
import { Breadcrumb } from '@/components/breadcrumb';

export const metadata: Metadata = { title: 'Webhook endpoint' };

const RECENT_DELIVERIES = 50;

const DELIVERY_LOOK = {
  pending: { tone: 'amber', label: 'Pending' },
  succeeded: { tone: 'green', label: 'Succeeded' },
  failed: { tone: 'red', label: 'Failed' },
  cancelled: { tone: 'gray', label: 'Cancelled' },
} as const;

/** The first KiB of what the receiver answered (the worker keeps no more), or why there was no answer. */
function ResponseCell({ attempt }: { attempt: DeliveryView['lastAttempt'] }) {
  if (!attempt) return <span className="text-slate-500">Not attempted yet</span>;
  const text = attempt.responseBody?.slice(0, RESPONSE_BODY_BYTES) || attempt.error;
  if (!text) return <span className="text-slate-500">Empty</span>;
  return (
    <pre className="max-h-24 max-w-72 overflow-hidden font-mono text-xs break-all whitespace-pre-wrap text-slate-700">
      {text}
    </pre>
  );
}

/** On a narrow screen the columns fold into the event's cell: the attempt in one line, then the response. */
function FoldedAttempt({ delivery }: { delivery: DeliveryView }) {
  const attempt = delivery.lastAttempt;
  const parts = [`${delivery.attempts} ${delivery.attempts === 1 ? 'attempt' : 'attempts'}`];
  if (attempt) parts.push(attempt.statusCode ? `status ${attempt.statusCode}` : 'no answer');
  if (attempt) parts.push(`${attempt.durationMs.toLocaleString('en-US')} ms`);
  return (
    <div className="mt-2 space-y-1.5 text-xs text-slate-600 md:hidden">
      <p>
        {parts.join(' · ')}
        {delivery.status === 'pending' && delivery.nextAttemptAt && (
          <>
            {' · next '}
            <RelativeTime iso={delivery.nextAttemptAt.toISOString()} />
          </>
        )}
      </p>
      <ResponseCell attempt={attempt} />
    </div>
  );
}

export default async function EndpointPage({ params }: { params: Promise<{ endpointId: string }> }) {
  const actor = await requireActor();
  if (mustEnrollTwoFactor(actor, 'manage_credentials')) redirect('/security');
  const { endpointId } = await params;
  if (!actor.membership || !z.uuid().safeParse(endpointId).success) notFound();
  const endpoint = await getEndpoint({ actor, endpointId });
  if (!endpoint) notFound();
  const isAdmin = canManageCredentials(actor);
  const deliveries = await listDeliveries({
    organizationId: actor.membership.organizationId,
    endpointId,
    limit: RECENT_DELIVERIES,
  });

  const facts: [string, ReactNode][] = [
    ['Status', <EndpointStatusBadge key="status" status={endpoint.status} />],
    ['Events', <EventTypesText key="events" eventTypes={endpoint.eventTypes} />],
    ['Description', endpoint.description ?? <span className="text-slate-500">None</span>],
    [
      'Added',
      <span key="added">
        <LocalTime iso={endpoint.createdAt.toISOString()} /> by {endpoint.createdByName ?? 'a removed user'}
      </span>,
    ],
  ];
  if (endpoint.status === 'failing' && endpoint.failingSince)
    facts.push([
      'Failing since',
      <span key="failing" className="text-red-700">
        <LocalTime iso={endpoint.failingSince.toISOString()} />
      </span>,
    ]);
  if (endpoint.status !== 'enabled' && endpoint.disabledAt)
    facts.push(['Disabled', <LocalTime key="disabled" iso={endpoint.disabledAt.toISOString()} />]);
  if (endpoint.previousSecretUntil)
    facts.push([
      'Previous secret signs until',
      <LocalTime key="previous" iso={endpoint.previousSecretUntil.toISOString()} />,
    ]);

  return (
    <div className="space-y-8">
      <header>
        <Breadcrumb
          trail={[{ label: 'Development' }, { label: 'Webhooks', href: '/webhooks' }]}
          current={endpoint.url}
          currentClassName="max-w-48 truncate sm:max-w-72"
        />
        <div className="mt-2 flex items-start justify-between gap-4">
          <h1 className="min-w-0 font-mono text-lg font-semibold tracking-tight wrap-anywhere sm:text-xl">
            {endpoint.url}
          </h1>
          {isAdmin && (
            <EndpointRowActions
              endpoint={editableOf(endpoint)}
              options={{ eventTypes: SUBSCRIBABLE_EVENT_TYPES, descriptionMax: WEBHOOK_DESCRIPTION_MAX }}
              onEndpointPage
            />
          )}
        </div>
      </header>

      <section aria-labelledby="facts-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <h2 id="facts-heading" className="sr-only">
          Details
        </h2>
        <DetailList items={facts} />
      </section>

      <section aria-labelledby="deliveries-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="deliveries-heading" className="text-base font-semibold">
            Recent deliveries
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            The last {RECENT_DELIVERIES} messages to this endpoint, newest first, each with its latest attempt.
          </p>
        </div>
        {deliveries.length === 0 ? (
          <EmptyState icon={Send} title="No deliveries yet">
            {isAdmin
              ? 'Events you chose appear here as they are sent. Send a test event from the Actions menu to try your receiver.'
              : 'Events appear here as they are sent.'}
          </EmptyState>
        ) : (
          <Table>
            <TableCaption>Recent deliveries to {endpoint.url}</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead className="sm:px-6">Event</TableHead>
                <TableHead className="hidden md:table-cell">Attempts</TableHead>
                <TableHead className="hidden md:table-cell">Status code</TableHead>
                <TableHead className="hidden md:table-cell">Duration</TableHead>
                <TableHead className="hidden whitespace-nowrap md:table-cell">Next retry</TableHead>
                <TableHead className="hidden md:table-cell">Response</TableHead>
                {isAdmin && (
                  <TableHead className="sm:pr-6">
                    <span className="sr-only">Resend</span>
                  </TableHead>
                )}
              </TableRow>
            </TableHeader>
            <TableBody>
              {deliveries.map((delivery) => {
                const look = DELIVERY_LOOK[delivery.status];
                const attempt = delivery.lastAttempt;
                return (
                  <TableRow key={delivery.id} data-testid="webhook-delivery" className="align-top">
                    <TableCell className="sm:px-6">
                      <code className="font-mono text-xs font-medium whitespace-nowrap text-slate-900">
                        {delivery.eventType}
                      </code>
                      <span className="mt-1 flex flex-wrap items-center gap-2 text-xs text-slate-500">
                        <Badge tone={look.tone}>{look.label}</Badge>
                        <LocalTime iso={delivery.createdAt.toISOString()} />
                      </span>
                      <FoldedAttempt delivery={delivery} />
                    </TableCell>
                    <TableCell className="hidden tabular-nums md:table-cell">{delivery.attempts}</TableCell>
                    <TableCell className="hidden tabular-nums md:table-cell">{attempt?.statusCode ?? '—'}</TableCell>
                    <TableCell className="hidden whitespace-nowrap tabular-nums md:table-cell">
                      {attempt ? `${attempt.durationMs.toLocaleString('en-US')} ms` : '—'}
                    </TableCell>
                    <TableCell className="hidden whitespace-nowrap md:table-cell">
                      {delivery.status === 'pending' && delivery.nextAttemptAt ? (
                        <RelativeTime iso={delivery.nextAttemptAt.toISOString()} />
                      ) : (
                        '—'
                      )}
                    </TableCell>
                    <TableCell className="hidden md:table-cell">
                      <ResponseCell attempt={attempt} />
                    </TableCell>
                    {isAdmin && (
                      <TableCell className="text-right sm:pr-6">
                        <ResendButton deliveryId={delivery.id} eventType={delivery.eventType} />
                      </TableCell>
                    )}
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        )}
      </section>
    </div>
  );
}
