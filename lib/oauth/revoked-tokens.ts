import { isFullInvalidation, credentialChanges, type Invalidation } from '@/lib/db/credential-changes';
import { isAccessTokenRevoked, listRevokedAccessTokens } from '@/lib/data/revoked-access-tokens';
import { ACCESS_TOKEN_TTL_SECONDS } from '@/lib/oauth/settings';

/**
 * More revoked, unexpired tokens than this and the set stops holding them in memory: each check reads the
 * database until a later load finds fewer. About 100 bytes each; tokens live 30 minutes, so reaching it takes
 * a revocation storm.
 */
const MAX_ENTRIES = 100_000;
/** The set is re-read this often in the background, even if a notification was somehow missed. */
const REFRESH_MS = 60_000;
/** After finding too many rows, wait this long before loading again. */
const RETRY_LOAD_MS = 60_000;

/**
 * The access tokens revoked on their own (RFC 7009), as this instance knows them: every unexpired jti of
 * revoked_access_tokens, loaded once the change channel listens and kept current by its "revoked:<jti>"
 * notifications, so a revocation anywhere is refused here on the very next request. While the channel is not
 * connected (or right after it reconnected and before the reload, or after an overflow) nothing is trusted
 * from memory and each check reads the database; when that fails, the check throws and the caller answers
 * 503, never "not revoked".
 */
class RevokedTokens {
  /** jti → until when it must be kept (epoch ms): the token's exp, or an upper bound of it. Null: not trusted. */
  private jtis: Map<string, number> | null = null;
  private loadedAt = 0;
  private retryLoadAt = 0;
  /** Bumped whenever everything must be forgotten (the channel dropped or reconnected): a load begun before is void. */
  private epoch = 0;
  /** Notifications heard while a load runs, which its snapshot may predate. */
  private heardDuringLoad: Map<string, number> | null = null;
  private loading: Promise<void> | undefined;

  constructor() {
    credentialChanges.subscribe((change) => this.hear(change));
  }

  private hear(change: Invalidation) {
    if (change.revokedJti) {
      // The notification carries no expiry; no token outlives its issue by more than the TTL.
      const keepUntil = Date.now() + ACCESS_TOKEN_TTL_SECONDS * 1000;
      this.heardDuringLoad?.set(change.revokedJti, keepUntil);
      this.jtis?.set(change.revokedJti, keepUntil);
      if ((this.jtis?.size ?? 0) > MAX_ENTRIES || (this.heardDuringLoad?.size ?? 0) > MAX_ENTRIES) this.overflow();
      return;
    }
    // Only a full invalidation (every field absent) concerns this set: what happened meanwhile was not heard.
    if (isFullInvalidation(change)) {
      this.epoch += 1;
      this.jtis = null;
      this.heardDuringLoad = null;
    }
  }

  private overflow() {
    this.epoch += 1;
    this.jtis = null;
    this.heardDuringLoad = null;
    this.retryLoadAt = Date.now() + RETRY_LOAD_MS;
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      const epoch = this.epoch;
      const heard = new Map<string, number>();
      this.heardDuringLoad = heard;
      try {
        // Begun after LISTEN took effect: a revocation committed later arrives as a notification.
        const rows = await listRevokedAccessTokens({ limit: MAX_ENTRIES + 1 });
        if (epoch !== this.epoch) return;
        if (rows.length > MAX_ENTRIES) return this.overflow();
        const fresh = new Map(rows.map((row) => [row.jti, row.expiresAt.getTime()]));
        for (const [jti, keepUntil] of heard) fresh.set(jti, keepUntil);
        this.jtis = fresh;
        this.loadedAt = Date.now();
      } finally {
        if (this.heardDuringLoad === heard) this.heardDuringLoad = null;
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  /** Whether the token with this jti was revoked. Throws when that cannot be known (database unreachable). */
  async isRevoked(jti: string, now = Date.now()): Promise<boolean> {
    if (!credentialChanges.isListening()) return isAccessTokenRevoked({ jti });
    if (this.jtis === null && now >= this.retryLoadAt) await this.load();
    else if (this.jtis !== null && now - this.loadedAt > REFRESH_MS) this.load().catch(() => {});
    // Still not trusted: the load raced with a reconnection, or there are too many to hold.
    if (this.jtis === null) return isAccessTokenRevoked({ jti });
    return this.jtis.has(jti);
  }
}

const globalForRevoked = globalThis as unknown as { revokedTokens?: RevokedTokens };
export const revokedTokens = (globalForRevoked.revokedTokens ??= new RevokedTokens());
