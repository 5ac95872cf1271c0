import { z } from 'zod';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { prisma } from '@/lib/db';
import { raiseSecurityAlert } from '@/lib/data/alerts';
import { applyCredentialChange } from '@/lib/data/credential-change';
import { hashSecret, isWellFormedSecret } from '@/lib/credentials/format';
import { env } from '@/lib/env';

/** The most secrets one report may carry; a larger report is ignored as a whole. */
export const MAX_SECRETS_PER_REPORT = 100;
/** The most bytes of a report's body that are read. */
export const MAX_REPORT_BYTES = 64 * 1024;

const WINDOW_SECONDS = 60;

// Entries are checked one by one below, so that a stray number among real secrets does not void the report.
const reportSchema = z.object({ secrets: z.array(z.unknown()).max(MAX_SECRETS_PER_REPORT) });

function reportsPerAddress() {
  return env.LEAK_REPORTS_PER_ADDRESS;
}

const globalForLimiter = globalThis as unknown as { leakReportLimiter?: RateLimiterPrisma };

// Created on first use, so that the limit is read after the environment is set.
function limiter() {
  const points = reportsPerAddress();
  return (globalForLimiter.leakReportLimiter ??= new RateLimiterPrisma({
    storeClient: prisma,
    tableName: 'rateLimit',
    keyPrefix: 'leak-report',
    points,
    duration: WINDOW_SECONDS,
    // Once an address is over its limit, answer from memory: a flood costs no database writes.
    inMemoryBlockOnConsumed: points,
    inMemoryBlockDuration: WINDOW_SECONDS,
    // If the database is unreachable, keep limiting per instance.
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'leak-report-insurance', points, duration: WINDOW_SECONDS }),
  }));
}

/**
 * Counts one report from this address, whatever it carries, shared by every
 * instance. Returns the seconds to wait when the address is over its limit, or null.
 */
export async function countLeakReport({ address }: { address: string }): Promise<number | null> {
  try {
    await limiter().consume(address);
    return null;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    // Neither the database nor the memory limiter answered: letting the report through is the lesser harm.
    console.error('leak report: rate limiter failed', error instanceof Error ? error.name : typeof error);
    return null;
  }
}

/**
 * Deactivates every active secret named in a leak report (`{ secrets: [...] }`),
 * with one audit event and one security alert each, and forgets it at every
 * token endpoint before returning. Anything else in the report (malformed,
 * unknown, already inactive or decoy secrets, other shapes) is ignored without
 * a trace, so that the caller learns nothing about which secrets exist.
 */
export async function reportLeakedSecrets({
  candidates,
  address,
  userAgent,
}: {
  candidates: unknown;
  address: string;
  userAgent?: string | null;
}): Promise<{ revoked: number }> {
  const parsed = reportSchema.safeParse(candidates);
  if (!parsed.success) return { revoked: 0 };

  // The checksum is checked offline first: random strings never reach the database.
  const hashes = [
    ...new Set(
      parsed.data.secrets.filter((s): s is string => typeof s === 'string' && isWellFormedSecret(s)).map(hashSecret),
    ),
  ];
  if (hashes.length === 0) return { revoked: 0 };

  const found = await prisma.credential.findMany({
    where: { secretHash: { in: hashes }, status: 'ACTIVE', isDecoy: false },
    select: { id: true },
  });

  const context = { address, userAgent: userAgent?.slice(0, 512) ?? null };
  let revoked = 0;
  // One secret at a time: each waits for its change to be heard, and a failure leaves the others to go through.
  for (const { id: credentialId } of found) {
    try {
      const now = new Date();
      const result = await applyCredentialChange({
        credentialId,
        action: 'deactivate',
        where: { isDecoy: false },
        now,
        // As with a manual deactivation, this replaces any deactivation scheduled by a roll. Whoever found the
        // secret may hold tokens it issued too: those are refused from now on as well.
        data: { status: 'DISABLED', deactivatedAt: now, deactivateAt: null, tokensRevokedBefore: now },
        event: {
          actor: 'public',
          action: 'reported_leaked',
          priority: 'high',
          details: { revokedTokens: true },
          context,
        },
        after: async (tx) => void (await raiseSecurityAlert(tx, { kind: 'leak_reported', credentialId, ...context })),
      });
      const count = result.ok ? 1 : 0;
      revoked += count;
    } catch (error) {
      console.error(
        'leak report: could not deactivate a secret',
        credentialId,
        error instanceof Error ? error.name : typeof error,
      );
    }
  }
  return { revoked };
}

const inFlight = new Set<Promise<unknown>>();

/**
 * Starts a report without waiting for it: the endpoint answers before any
 * secret is looked up, so its timing says nothing about which secrets exist.
 */
export function startLeakReport(input: Parameters<typeof reportLeakedSecrets>[0]): void {
  const work = reportLeakedSecrets(input).catch((error: unknown) => {
    console.error('leak report failed', error instanceof Error ? error.name : typeof error);
  });
  inFlight.add(work);
  void work.finally(() => inFlight.delete(work));
}

/** Resolves when every report started so far is done (for tests and shutdown). */
export async function leakReportsSettled(): Promise<void> {
  await Promise.all([...inFlight]);
}
