import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { describeClient } from '@/lib/auth/user-agent';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { isSupport, listPlatformEvents } from '@/lib/data/support';
import { AUDIT_ACTIONS, describeAuditEvent } from '@/lib/data/audit-text';
import { LocalTime } from '@/components/local-time';
import { PageHeader } from '@/components/page-header';
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { TwoFactorRequired } from '../_components/two-factor-required';

export const metadata: Metadata = { title: 'Platform log' };

export default async function PlatformLogPage() {
  const actor = await requireActor();
  if (!isSupport(actor)) notFound();
  if (mustEnrollTwoFactor(actor, 'support_console')) return <TwoFactorRequired title="Platform log" />;
  const result = await listPlatformEvents({ actor });
  const events = result.ok ? result.events : [];

  return (
    <div className="space-y-8">
      <PageHeader
        section="Support"
        title="Platform log"
        description="Account events of platform staff, which belong to no customer: sign-ins, two-factor changes, sessions. Newest first; entries can never be changed or removed."
      />
      <section
        aria-label="Platform events"
        className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5"
      >
        {events.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">No events yet.</p>
        ) : (
          <Table className="min-w-[48rem]">
            <TableCaption>Platform events, newest first</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead className="sm:px-6">Time</TableHead>
                <TableHead>Event</TableHead>
                <TableHead>Who</TableHead>
                <TableHead>Address</TableHead>
                <TableHead className="sm:pr-6">Browser</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {events.map((event) => {
                const detail = describeAuditEvent(event);
                return (
                  <TableRow key={event.id} data-testid="platform-event" className="align-top">
                    <TableCell className="whitespace-nowrap text-slate-600 sm:px-6">
                      <LocalTime iso={event.createdAt.toISOString()} />
                    </TableCell>
                    <TableCell>
                      <p className="font-medium text-slate-900">{AUDIT_ACTIONS[event.action] ?? event.action}</p>
                      {detail && <p className="break-words text-slate-600">{detail}</p>}
                    </TableCell>
                    <TableCell className="text-slate-700">{event.actorName}</TableCell>
                    <TableCell className="font-mono text-xs text-slate-600">{event.address ?? '—'}</TableCell>
                    <TableCell className="text-slate-600 sm:pr-6">
                      {event.userAgent ? <span title={event.userAgent}>{describeClient(event.userAgent)}</span> : '—'}
                    </TableCell>
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
