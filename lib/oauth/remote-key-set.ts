import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTHeaderParameters, type FlattenedJWSInput } from 'jose';
import { fetchJson, RemoteFetchError } from '@/lib/oauth/remote-fetch';

/** How long fetched keys are used before they are fetched again. */
const MAX_AGE_MS = 10 * 60_000;
/** An unknown `kid` refetches the document, at most this often (a flood of made-up kids costs one fetch). */
const REFETCH_COOLDOWN_MS = 30_000;
const MAX_KEYS = 100;
/** After a failed fetch the same failure is answered for this long: a dead host costs one timeout, not one a request. */
const FAILURE_COOLDOWN_MS = 10_000;

type KeyResolver = ReturnType<typeof createLocalJWKSet>;

/**
 * A JWKS published at a URL (a client's keys, a workload issuer's keys): fetched through fetchJson's limits,
 * cached for ten minutes, fetched again when a token names a `kid` the cached set lacks (so that keys
 * rotate without anyone touching the portal), and never more often than every 30 s for that reason.
 * Concurrent requests share one fetch, and a failed fetch is not retried for 10 s. Use `resolve` as jose's key
 * argument.
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

  /** jose's key resolver: the key the token's header names; throws RemoteFetchError when the keys cannot be had. */
  readonly resolve = async (header: JWTHeaderParameters, token: FlattenedJWSInput) => {
    const now = Date.now();
    let keys = this.keys && now - this.fetchedAt < MAX_AGE_MS ? this.keys : await this.refresh();
    try {
      return await keys(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || now - this.fetchedAt < REFETCH_COOLDOWN_MS) throw error;
      keys = await this.refresh();
      return keys(header, token);
    }
  };
}
