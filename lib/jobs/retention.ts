import { pruneAuthChallenges } from '@/lib/data/auth-challenges';
import { pruneEvents } from '@/lib/data/events';
import { pruneKnownBrowsers } from '@/lib/data/known-browsers';
import { pruneUsage } from '@/lib/data/credential-usage';
import { pruneRevokedAccessTokens } from '@/lib/data/revoked-access-tokens';
import { pruneRequestLog } from '@/lib/data/request-log';
import { pruneSessions } from '@/lib/data/sessions';
import { pruneSsoAuthorizations } from '@/lib/data/sso';

/** Usage and callers are kept a day longer than the longest chart (30 days) shows. */
export const USAGE_RETENTION_DAYS = 31;
/** Ended and expired sessions are deleted this long after they stopped. */
export const SESSION_RETENTION_DAYS = 30;
/** Events, with their webhook deliveries and attempts, are kept 30 days (the endpoint page's history). */
export const EVENT_RETENTION_DAYS = 30;

/** The request log (entries, counts, unknown Client IDs) is kept 30 days. */
export const REQUEST_LOG_RETENTION_DAYS = 30;

/** A browser not seen for this long is forgotten: its cookie (lib/auth/sign-in-cookie.ts) has expired. */
export const KNOWN_BROWSER_RETENTION_DAYS = 400;

/**
 * Deletes what has outlived its use: usage and callers older than the charts show, finished sign-in
 * challenges and single sign-on trips, sessions that ended a month ago, events (with their deliveries) older than 30 days, browsers
 * not seen for 400 days, the request log after 30 days, and the revocations of access tokens that have expired anyway. Run by the
 * scheduler's leader when it takes the lead, then hourly; each table's deletion lives in its home module.
 */
export async function pruneExpiredRecords(now = new Date()): Promise<void> {
  await Promise.all([
    pruneUsage({ before: new Date(now.getTime() - USAGE_RETENTION_DAYS * 86_400_000) }),
    pruneAuthChallenges(),
    pruneSsoAuthorizations(),
    pruneRevokedAccessTokens(now),
    pruneSessions({ before: new Date(now.getTime() - SESSION_RETENTION_DAYS * 86_400_000) }),
    pruneEvents({ before: new Date(now.getTime() - EVENT_RETENTION_DAYS * 86_400_000) }),
    pruneKnownBrowsers({ before: new Date(now.getTime() - KNOWN_BROWSER_RETENTION_DAYS * 86_400_000) }),
    pruneRequestLog({ before: new Date(now.getTime() - REQUEST_LOG_RETENTION_DAYS * 86_400_000) }),
  ]);
}
