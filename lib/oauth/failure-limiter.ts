import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { prisma } from '@/lib/db';
import { env } from '@/lib/env';

const WINDOW_SECONDS = 60;

function limiter(keyPrefix: string, points: number) {
  return new RateLimiterPrisma({
    storeClient: prisma,
    tableName: 'rateLimit',
    keyPrefix,
    points,
    duration: WINDOW_SECONDS,
    // Once a key is over its limit, answer from memory: an attack costs no database writes.
    inMemoryBlockOnConsumed: points,
    inMemoryBlockDuration: WINDOW_SECONDS,
    // If the database is unreachable, keep limiting per instance.
    insuranceLimiter: new RateLimiterMemory({ keyPrefix: `${keyPrefix}-insurance`, points, duration: WINDOW_SECONDS }),
  });
}

/** Access tokens one client may revoke a minute (RFC 7009), across every instance. */
export const REVOCATIONS_PER_CLIENT_PER_MINUTE = 300;

const globalForLimiters = globalThis as unknown as {
  failureLimiters?: { byClient: RateLimiterPrisma; byAddress: RateLimiterPrisma };
  revocationLimiter?: RateLimiterPrisma;
};

function limiters() {
  return (globalForLimiters.failureLimiters ??= {
    byClient: limiter('token-fail-client', env.TOKEN_FAILURES_PER_CLIENT),
    byAddress: limiter('token-fail-address', env.TOKEN_FAILURES_PER_ADDRESS),
  });
}

// Keys are stored in the database: hash the client id, which a confused caller may have filled with a secret.
function keyOf(clientId: string) {
  return createHash('sha256').update(clientId).digest('base64url');
}

/**
 * Counts a failed client authentication against the client id and the source
 * address, shared by every instance. Returns the seconds to wait when either is
 * over its limit, or null. Successful authentications are never counted or
 * refused, so a client under attack still gets its tokens.
 */
export async function recordFailedAuthentication({ clientId, address }: { clientId: string; address: string }) {
  const { byClient, byAddress } = limiters();
  const results = await Promise.allSettled([byClient.consume(keyOf(clientId)), byAddress.consume(address)]);
  const refused = results
    .map((result) => (result.status === 'rejected' && result.reason instanceof RateLimiterRes ? result.reason : null))
    .filter((res): res is RateLimiterRes => res !== null);
  if (refused.length === 0) return null;
  return Math.max(1, Math.ceil(Math.max(...refused.map((res) => res.msBeforeNext)) / 1000));
}

/**
 * Counts one revocation by an authenticated client; the seconds to wait once it is over
 * REVOCATIONS_PER_CLIENT_PER_MINUTE, else null. Revoked tokens are held in every instance's memory until they
 * expire, so no single client may fill that for everyone.
 */
export async function recordRevocation(clientId: string): Promise<number | null> {
  globalForLimiters.revocationLimiter ??= limiter('token-revocations-client', REVOCATIONS_PER_CLIENT_PER_MINUTE);
  try {
    await globalForLimiters.revocationLimiter.consume(keyOf(clientId));
    return null;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}
