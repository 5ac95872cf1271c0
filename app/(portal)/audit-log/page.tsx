import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Download } from 'lucide-react';
import { requireActor } from '@/lib/auth/session';
import { describeClient } from '@/lib/auth/user-agent';
import { canManageCredentials } from '@/lib/identity/actor';
import { auditFilterOptions, listAuditEvents } from '@/lib/data/audit';
import { AUDIT_ACTIONS, describeAuditEvent } from '@/lib/data/audit-text';
import { LocalTime } from '@/components/local-time';
import { Badge } from '@/components/ui/badge';
import { FilterSelect } from '@/components/ui/filter-select';
import { Button } from '@/components/ui/button';
import { parseAuditQuery } from './filters';
import { Breadcrumb } from '@/components/breadcrumb';

export const metadata: Metadata = { title: 'Audit log' };

export default async function AuditLogPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requireActor();
  if (!canManageCredentials(actor)) notFound();
  const organizationId = actor.membership.organizationId;
  const { filters, cursor, raw } = parseAuditQuery(await searchParams);
  const [{ events, nextCursor }, options] = await Promise.all([
    listAuditEvents({ organizationId, filters, cursor, limit: 50 }),
    auditFilterOptions({ organizationId }),
  ]);
  const query = new URLSearchParams(
    Object.entries({ secret: raw.secret, action: raw.action, actor: raw.actor }).filter(
      (e): e is [string, string] => !!e[1],
    ),
  );
  const withCursor = (after: string) => `/audit-log?${new URLSearchParams([...query, ['after', after]]).toString()}`;

  return (
    <div className="space-y-8">
      <header>
        <Breadcrumb trail={[{ label: 'Development' }]} current="Audit log" />
        <div className="mt-2 flex flex-col gap-3 sm:flex-row sm:items-end sm:justify-between">
          <div>
            <h1 className="text-2xl font-semibold tracking-tight">Audit log</h1>
            <p className="mt-2 max-w-2xl text-sm text-slate-600">
              Every change to your secrets, and every time platform support looked at your credentials. Entries can
              never be changed or removed.
            </p>
          </div>
          <Button variant="secondary" asChild>
            <a href={`/audit-log/export?${query.toString()}`} download>
              <Download className="size-4" aria-hidden />
              Export CSV
            </a>
          </Button>
        </div>
      </header>

      <form
        action="/audit-log"
        className="grid gap-3 rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-900/5 sm:grid-cols-4 sm:items-end sm:p-6"
      >
        <FilterSelect
          id="filter-secret"
          name="secret"
          label="Credential"
          defaultValue={raw.secret ?? ''}
          anyLabel="All credentials"
          options={options.secrets.map((s) => ({ value: s.id, label: `${s.name} (${s.preview})` }))}
        />
        <FilterSelect
          id="filter-action"
          name="action"
          label="Action"
          defaultValue={raw.action ?? ''}
          anyLabel="All actions"
          options={Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label }))}
        />
        <FilterSelect
          id="filter-actor"
          name="actor"
          label="Actor"
          defaultValue={raw.actor ?? ''}
          anyLabel="Everyone"
          options={options.actors.map((a) => ({ value: a.id, label: a.name }))}
        />
        <div className="flex gap-2">
          <Button type="submit">Filter</Button>
          {query.size > 0 && (
            <Button variant="ghost" asChild>
              <Link href="/audit-log">Clear</Link>
            </Button>
          )}
        </div>
      </form>

      <section aria-label="Audit events" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
        {events.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">
            No events{query.size ? ' match these filters' : ' yet'}.
          </p>
        ) : (
          <ol className="divide-y divide-slate-100">
            {events.map((event) => {
              const detail = describeAuditEvent(event);
              return (
                <li
                  key={event.id}
                  data-testid="audit-event"
                  className="flex flex-col gap-1 px-4 py-3 sm:flex-row sm:items-start sm:justify-between sm:px-6"
                >
                  <div className="min-w-0">
                    {/* The gap lays the parts out; the spaces keep them apart for screen readers and copied text. */}
                    <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                      {AUDIT_ACTIONS[event.action] ?? event.action}{' '}
                      {(event.credentialName || event.credentialPreview) && (
                        <span className="min-w-0 font-normal break-words text-slate-700">
                          {event.credentialName}
                          {event.credentialName && event.credentialPreview && ' · '}
                          {event.credentialPreview && (
                            <code className="font-mono text-xs text-slate-600">{event.credentialPreview}</code>
                          )}
                        </span>
                      )}{' '}
                      {event.priority === 'high' && <Badge tone="red">High priority</Badge>}{' '}
                      {event.actorRole === 'SUPPORT' && <Badge tone="amber">Platform support</Badge>}
                    </p>
                    {detail && <p className="text-sm break-words text-slate-600">{detail}</p>}
                    <p className="text-xs text-slate-500">
                      {event.actorName} · {event.actorRole.toLowerCase()}
                      {event.address ? ` · ${event.address}` : ''}
                      {event.userAgent && (
                        <>
                          {' · '}
                          <span title={event.userAgent} className="whitespace-nowrap">
                            {describeClient(event.userAgent)}
                          </span>
                        </>
                      )}
                    </p>
                  </div>
                  <span className="shrink-0 text-xs text-slate-500">
                    <LocalTime iso={event.createdAt.toISOString()} />
                  </span>
                </li>
              );
            })}
          </ol>
        )}
        {nextCursor && (
          <div className="border-t border-slate-200 px-4 py-3 text-right sm:px-6">
            <Button variant="secondary" asChild>
              <Link href={withCursor(nextCursor)}>Older events</Link>
            </Button>
          </div>
        )}
      </section>
    </div>
  );
}
