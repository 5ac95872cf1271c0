import { listAuditEvents, type AuditFilters } from '@/lib/data/audit';
import { AUDIT_ACTIONS } from '@/lib/data/audit-text';

const COLUMNS = [
  'time',
  'actor',
  'role',
  'action',
  'secret_id',
  'secret_preview',
  'reason',
  'priority',
  'address',
  'user_agent',
  'details',
];

/** RFC 4180 quoting; a leading = + - @ is prefixed so that spreadsheets do not run it as a formula. */
export function csvField(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The whole filtered trail as CSV, read page by page so that memory stays flat however long it is. */
export function auditCsvStream({
  organizationId,
  filters,
}: {
  organizationId: string;
  filters: AuditFilters;
}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: Parameters<typeof listAuditEvents>[0]['cursor'] = null;
  let started = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`${COLUMNS.join(',')}\r\n`));
      }
      const { events, nextCursor } = await listAuditEvents({ organizationId, filters, cursor, limit: 1000 });
      const lines = events.map((e) =>
        [
          e.createdAt.toISOString(),
          e.actorName,
          e.actorRole,
          AUDIT_ACTIONS[e.action] ?? e.action,
          e.credentialId,
          e.credentialPreview,
          e.reason,
          e.priority,
          e.address,
          e.userAgent,
          JSON.stringify(e.details),
        ]
          .map(csvField)
          .join(','),
      );
      if (lines.length) controller.enqueue(encoder.encode(`${lines.join('\r\n')}\r\n`));
      if (!nextCursor) controller.close();
      else {
        const last = events.at(-1)!;
        cursor = { createdAt: last.createdAt.toISOString(), id: last.id };
      }
    },
  });
}
