import { pruneAssertionJtis } from '@/lib/data/client-assertion-jtis';
import { CLOCK_SKEW_SECONDS } from '@/lib/oauth/assertion-claims';

/**
 * Kept past each assertion's exp: it is accepted up to CLOCK_SKEW_SECONDS after its exp, and the instances'
 * clocks may differ from the leader's by a little more, so its jti must outlive that.
 */
const RETENTION_AFTER_EXPIRY_MS = (CLOCK_SKEW_SECONDS + 60) * 1000;

/**
 * Deletes the used jtis of client assertions that have expired: an expired assertion is refused by its exp
 * alone. Run by the scheduler's leader.
 */
export function pruneExpiredAssertionJtis(now = new Date()): Promise<number> {
  return pruneAssertionJtis({ before: new Date(now.getTime() - RETENTION_AFTER_EXPIRY_MS) });
}
