import { withSessionLock } from '@/lib/db/session-lock';
import { z } from 'zod';
import { prisma } from '@/lib/db';
import { clockChangeKey, credentialChanges } from '@/lib/db/credential-changes';
import { MAX_CLOCK_ADVANCE_MS, clockStops, parseClockDuration } from '@/lib/credentials/test-clock';
import { recordExpiries, runScheduledDeactivations } from '@/lib/data/credential-deadlines';
import { recordExpiringEvents } from '@/lib/data/events';
import { fail, type Failure } from '@/lib/result';

/**
 * A tenant's test clock (organizations.test_clock_at): read it, and move it forward. Everything time-based
 * about the tenant's credentials is judged at it (lib/credentials/test-clock.ts, lib/data/credential-clock.ts);
 * moving it writes the events that real time would have written in between, in their order, and returns once
 * every instance judges the tenant's credentials at the new time.
 */

export type ClockFailure = Failure<'invalid_input' | 'not_found' | 'conflict'>;

const organizationIdSchema = z.uuid('The organization id must be a UUID.');

/** The clock, or why there is none: no such organization (not_found), or one without a clock (conflict). */
async function currentClock(organizationId: string): Promise<{ ok: true; now: Date } | ClockFailure> {
  if (!organizationIdSchema.safeParse(organizationId).success)
    return fail('invalid_input', 'The organization id must be a UUID.', 'organizationId');
  const organization = await prisma.organization.findUnique({
    where: { id: organizationId },
    select: { isTenant: true, testClockAt: true },
  });
  if (!organization) return fail('not_found', `No organization has the id ${organizationId}.`);
  if (!organization.testClockAt)
    return fail(
      'conflict',
      organization.isTenant
        ? 'This tenant was created without a test clock and runs on real time. Create a tenant with "testClock": true to have one.'
        : 'Only tenants (organizations made for test suites) have test clocks; this organization always runs on real time.',
    );
  return { ok: true, now: organization.testClockAt };
}

export function readTenantClock({ organizationId }: { organizationId: string }) {
  return currentClock(organizationId);
}

/** Exactly one of the two: a duration to add, or the instant to move to. */
const advanceSchema = z.union([
  z.strictObject({ advanceBy: z.string() }),
  z.strictObject({ to: z.iso.datetime({ offset: true }) }),
]);

/**
 * Moves the tenant's clock forward, by an ISO 8601 duration (`advanceBy`: "P30D", "PT2H", "P1DT2H") or to an
 * instant (`to`); never back. On the way it stops at every instant where something happens to the tenant's
 * credentials (an expiring threshold, an expiry, a roll's grace end: `clockStops`) and does there what the
 * leader's jobs do at that instant on real time, so the credential.expiring, credential.deactivated and
 * credential.expired events are queued in the order they would have happened, each dated at its instant.
 * The last step moves the clock through the change channel: the call returns once every live instance has
 * forgotten what it cached of the tenant's credentials, so from then on each refuses what has expired.
 */
export async function advanceTenantClock(input: {
  organizationId: string;
  advanceBy?: unknown;
  to?: unknown;
}): Promise<{ ok: true; now: Date } | ClockFailure> {
  const { organizationId, ...move } = input;
  const parsed = advanceSchema.safeParse(
    Object.fromEntries(Object.entries(move).filter(([, value]) => value !== undefined)),
  );
  if (!parsed.success)
    return fail(
      'invalid_input',
      'Send either "advanceBy" with an ISO 8601 duration (P30D, PT2H, P1DT2H) or "to" with an ISO 8601 time with its offset (2030-01-01T00:00:00Z).',
      'advanceBy' in move ? 'advanceBy' : 'to',
    );
  const field = 'advanceBy' in parsed.data ? 'advanceBy' : 'to';
  const step = 'advanceBy' in parsed.data ? parseClockDuration(parsed.data.advanceBy) : null;
  if ('advanceBy' in parsed.data && step === null)
    return fail(
      'invalid_input',
      'advanceBy must be an ISO 8601 duration of weeks, days, hours, minutes and seconds, such as P30D, PT2H or P1DT2H.',
      field,
    );

  // One move of a tenant's clock at a time, across instances: a duration is added to the clock as the
  // previous move left it (two calls of P1D make two days), and each move's events are queued in order.
  return withSessionLock(`tenant-clock:${organizationId}`, MOVE_TIMEOUT_MS, () =>
    moveClock(organizationId, field, parsed.data, step),
  );
}

/** How long one move may take, its stops' jobs included (a ten-year move of many credentials stops often). */
const MOVE_TIMEOUT_MS = 120_000;

async function moveClock(
  organizationId: string,
  field: 'advanceBy' | 'to',
  move: { advanceBy: string } | { to: string },
  step: number | null,
): Promise<{ ok: true; now: Date } | ClockFailure> {
  const clock = await currentClock(organizationId);
  if (!clock.ok) return clock;
  const from = clock.now.getTime();
  const to = 'to' in move ? Date.parse(move.to) : from + step!;
  if (to < from)
    return fail('invalid_input', `A test clock only moves forward; this one is at ${clock.now.toISOString()}.`, field);
  if (to - from > MAX_CLOCK_ADVANCE_MS)
    return fail('invalid_input', 'A test clock moves at most ten years in one call.', field);

  const credentials = await prisma.credential.findMany({
    where: { oauthClient: { organizationId }, status: { not: 'DELETED' } },
    select: { expiresAt: true, deactivateAt: true },
  });
  for (const at of clockStops(credentials, from, to)) {
    const instant = new Date(at);
    // The jobs read the tenant's clock from its row, as the leader's do: the leader may run them at the same
    // instant meanwhile, and each change and event still happens once.
    await setClock(organizationId, instant);
    await runScheduledDeactivations(instant, organizationId);
    await recordExpiries(instant, organizationId);
    await recordExpiringEvents({ now: instant, organizationId });
  }
  const target = new Date(to);
  const moved = await credentialChanges.change(
    clockChangeKey(organizationId),
    () =>
      prisma.$transaction(async (tx) => {
        const [row] = await tx.$queryRaw<{ at: Date }[]>`
          UPDATE organizations SET test_clock_at = GREATEST(test_clock_at, ${target}::timestamptz)
          WHERE id = ${organizationId}::uuid AND test_clock_at IS NOT NULL
          RETURNING test_clock_at AS at`;
        await tx.$executeRaw`SELECT pg_notify('secret_changed', ${clockChangeKey(organizationId)})`;
        return row?.at ?? null;
      }),
    () => true,
  );
  // Null only when the tenant was deleted meanwhile.
  return moved ? { ok: true, now: moved } : fail('not_found', `No organization has the id ${organizationId}.`);
}

/** Moves the clock to `at` unless a concurrent call has moved it further (a clock never goes back). */
function setClock(organizationId: string, at: Date) {
  return prisma.$executeRaw`
    UPDATE organizations SET test_clock_at = ${at}::timestamptz
    WHERE id = ${organizationId}::uuid AND test_clock_at IS NOT NULL AND test_clock_at < ${at}::timestamptz`;
}
