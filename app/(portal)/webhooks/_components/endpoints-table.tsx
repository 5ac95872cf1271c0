import Link from 'next/link';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { SUBSCRIBABLE_EVENT_TYPES, type EndpointView } from '@/lib/data/webhook-endpoints';
import type { EndpointFormOptions } from './endpoint-fields';
import { EndpointRowActions } from './endpoint-row-actions';
import { EndpointStatusBadge } from './endpoint-status-badge';

/**
 * What an endpoint receives, in a few words: "All events", its few types, or every type but a few (an
 * endpoint that left out one type should not list the ten others).
 */
export function EventTypesText({ eventTypes, className }: { eventTypes: string[]; className?: string }) {
  const types = (list: readonly string[]) =>
    list.map((type, index) => (
      <span key={type}>
        <code className="font-mono text-xs">{type}</code>
        {index < list.length - 1 && ', '}
      </span>
    ));
  if (eventTypes.length === 0) return <span className={className}>All events</span>;
  const missing = SUBSCRIBABLE_EVENT_TYPES.filter((type) => !eventTypes.includes(type));
  if (missing.length < eventTypes.length) return <span className={className}>All events except {types(missing)}</span>;
  return <span className={className}>{types(eventTypes)}</span>;
}

/** What the row menu needs of an endpoint: no dates, no one's name. */
export function editableOf({ id, url, description, eventTypes, status }: EndpointView) {
  return { id, url, description, eventTypes, status };
}

export function EndpointsTable({
  endpoints,
  canManage,
  options,
}: {
  endpoints: EndpointView[];
  canManage: boolean;
  options: EndpointFormOptions;
}) {
  return (
    <Table>
      <TableCaption>Webhook endpoints of your organization</TableCaption>
      <TableHeader>
        <TableRow>
          <TableHead className="sm:px-6">Endpoint</TableHead>
          <TableHead className="hidden md:table-cell">Events</TableHead>
          <TableHead>Status</TableHead>
          {canManage && (
            <TableHead className="w-14 sm:pr-6">
              <span className="sr-only">Actions</span>
            </TableHead>
          )}
        </TableRow>
      </TableHeader>
      <TableBody>
        {endpoints.map((endpoint) => (
          <TableRow key={endpoint.id} data-testid="webhook-endpoint" className="align-top">
            <TableCell className="min-w-0 sm:px-6">
              <Link
                href={`/webhooks/${endpoint.id}`}
                prefetch={false}
                className="font-mono text-xs font-medium wrap-anywhere text-slate-900 hover:text-indigo-700 hover:underline sm:text-sm"
              >
                {endpoint.url}
              </Link>
              {endpoint.description && (
                <p className="mt-0.5 text-sm break-words text-slate-600">{endpoint.description}</p>
              )}
              <p className="mt-1 text-xs text-slate-500 md:hidden">
                <EventTypesText eventTypes={endpoint.eventTypes} />
              </p>
            </TableCell>
            <TableCell className="hidden max-w-64 text-sm text-slate-600 md:table-cell">
              <EventTypesText eventTypes={endpoint.eventTypes} />
            </TableCell>
            <TableCell>
              <EndpointStatusBadge status={endpoint.status} />
            </TableCell>
            {canManage && (
              <TableCell className="text-right sm:pr-6">
                <EndpointRowActions endpoint={editableOf(endpoint)} options={options} />
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
