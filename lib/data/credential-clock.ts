import { prisma } from '@/lib/db';
import { Prisma } from '@/lib/generated/prisma/client';

/**
 * Which instant a credential's time-based rules are judged at, for queries: its tenant's test clock when it has
 * one, otherwise real time (lib/credentials/test-clock.ts `credentialNow` is the same rule in TypeScript). Only
 * tenants have clocks (a CHECK on organizations); these fragments are how SQL written here and in the jobs
 * asks for it, so the rule lives in one place.
 */

/** SQL: the OAuth clients of organizations that have a test clock, as rows (id, at): a CTE's body. */
export function clockedClients(organizationId?: string): Prisma.Sql {
  return Prisma.sql`
    SELECT c.id, o.test_clock_at AS at FROM organizations o JOIN oauth_clients c ON c.organization_id = o.id
    WHERE o.test_clock_at IS NOT NULL ${organizationId ? Prisma.sql`AND o.id = ${organizationId}::uuid` : Prisma.empty}`;
}

/**
 * SQL: the credential now of the row of `secrets` aliased `s`, real time being the transaction's now(). For
 * statements that describe a credential (events' "expired" status); the jobs' sweeps use `clockedClients` so
 * that customers' rows are still found through the index on the instant.
 */
export const CREDENTIAL_NOW = Prisma.sql`COALESCE((
  SELECT o.test_clock_at FROM oauth_clients oc JOIN organizations o ON o.id = oc.organization_id
  WHERE oc.id = s.oauth_client_id), now())`;

/** The organization's test clock (null: real time), for pages that show its credentials' status. */
export async function organizationClock({ organizationId }: { organizationId: string }): Promise<Date | null> {
  const row = await prisma.organization.findUnique({ where: { id: organizationId }, select: { testClockAt: true } });
  return row?.testClockAt ?? null;
}
