import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { requireActor } from '@/lib/auth/session';
import { describeClient } from '@/lib/auth/user-agent';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { isSupport, listPlatformEvents, listUnknownClientAddresses } from '@/lib/data/support';
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
  const [result, unknownClients] = await Promise.all([
    listPlatformEvents({ actor }),
    listUnknownClientAddresses({ actor, since: new Date(Date.now() - 86_400_000) }),
  ]);
  const events = result.ok ? result.events : [];
  const addresses = unknownClients.ok ? unknownClients.addresses : [];

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

      <section
        aria-labelledby="unknown-clients-heading"
        className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5"
      >
        <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
          <h2 id="unknown-clients-heading" className="text-base font-semibold">
            Requests for unknown Client IDs, last 24 hours
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            The addresses that asked the OAuth endpoints most often for a Client ID no organization has: scanners, or an
            app configured with a wrong or deleted Client ID. Nothing else about these requests is kept.
          </p>
        </div>
        {addresses.length === 0 ? (
          <p className="px-4 py-6 text-sm text-slate-600 sm:px-6">No requests for unknown Client IDs.</p>
        ) : (
          <Table>
            <TableCaption>Addresses asking for unknown Client IDs, last 24 hours</TableCaption>
            <TableHeader>
              <TableRow>
                <TableHead className="sm:px-6">Address</TableHead>
                <TableHead className="text-right sm:pr-6">Requests</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {addresses.map(({ address, count }) => (
                <TableRow key={address} data-testid="unknown-client-address">
                  <TableCell className="font-mono text-xs break-all text-slate-700 sm:px-6">{address}</TableCell>
                  <TableCell className="text-right tabular-nums sm:pr-6">{count.toLocaleString('en-US')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
      </section>
    </div>
  );
}
