import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import { fetchJson, RemoteFetchError } from '@/lib/oauth/remote-fetch';

/** How long fetched keys are used before they are fetched again. */
const MAX_AGE_MS = 10 * 60_000;
/** An unknown `kid` refetches the document, at most this often (a flood of made-up kids costs one fetch). */
const REFETCH_COOLDOWN_MS = 10_000;
const MAX_KEYS = 100;
/** After a failed fetch the same failure is answered for this long: a dead host costs one timeout, not one a request. */
const FAILURE_COOLDOWN_MS = 10_000;
/**
 * While fetches fail, the keys last fetched stay in use for this long after that fetch (stale-if-error): a
 * JWKS host that is down for a while does not lock out every client whose keys have not changed.
 */
const STALE_IF_ERROR_MS = 24 * 60 * 60_000;

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/**
 * A JWKS published at a URL (a client's keys, a workload issuer's keys): fetched through fetchJson's limits,
 * cached for ten minutes, fetched again when a token names a `kid` the cached set lacks (so that keys
 * rotate without anyone touching the portal), and never more often than every 10 s for that reason.
 * Concurrent requests share one fetch, and a failed fetch is not retried for 10 s. When the ten-minute
 * refresh fails, the keys already held are used for up to 24 hours after they were fetched; a kid they lack
 * still needs a successful fetch. Use `resolve` as jose's key argument.
 */
export class RemoteKeySet {
  private keys: KeyResolver | undefined;
  private fetchedAt = 0;
  private pending: Promise<KeyResolver> | undefined;
  private failure: { at: number; error: unknown } | undefined;

  /** `locate` gives the JWKS URL (for an issuer: read from its discovery document). */
  constructor(private readonly locate: () => Promise<string> | string) {}

  private refresh(): Promise<KeyResolver> {
    if (this.failure && Date.now() - this.failure.at < FAILURE_COOLDOWN_MS) return Promise.reject(this.failure.error);
    this.pending ??= (async () => {
      try {
        const document = (await fetchJson(await this.locate())) as Partial<JSONWebKeySet> | null;
        if (!document || !Array.isArray(document.keys))
          throw new RemoteFetchError('The JWKS document has no "keys" array.');
        if (document.keys.length > MAX_KEYS) throw new RemoteFetchError(`The JWKS document has over ${MAX_KEYS} keys.`);
        this.keys = createLocalJWKSet({ keys: document.keys });
        this.fetchedAt = Date.now();
        this.failure = undefined;
        return this.keys;
      } catch (error) {
        this.failure = { at: Date.now(), error };
        throw error;
      } finally {
        this.pending = undefined;
      }
    })();
    return this.pending;
  }

  /** The keys to use now: fresh ones, or those held if a refresh fails while they may still be served. */
  private async current(now: number): Promise<KeyResolver> {
    if (this.keys && now - this.fetchedAt < MAX_AGE_MS) return this.keys;
    const stale = this.keys && now - this.fetchedAt < STALE_IF_ERROR_MS ? this.keys : undefined;
    // Once a refresh has failed, the held keys answer at once while the next one runs: a host that hangs
    // delays one request by the fetch timeout, not one request every 10 s.
    if (stale && this.failure) {
      this.refresh().catch(() => {});
      return stale;
    }
    try {
      return await this.refresh();
    } catch (error) {
      if (stale) return stale;
      throw error;
    }
  }

  private async find(header: JWTHeaderParameters, token: FlattenedJWSInput) {
    const now = Date.now();
    let keys = await this.current(now);
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now - this.fetchedAt < REFETCH_COOLDOWN_MS) throw error;
      keys = await this.refresh();
      return keys(header, token);
    }
  }

  /**
   * jose's key resolver: the key the token's header names; throws RemoteFetchError when the keys cannot be
   * had, a document jose cannot read as a key set (or one with private keys) included.
   */
  readonly resolve = (header: JWTHeaderParameters, token: FlattenedJWSInput) =>
    this.find(header, token).catch((error: unknown) => {
      throw error instanceof errors.JWKSInvalid
        ? new RemoteFetchError('Its JWKS document is not a valid key set.')
        : error;
    });
}
