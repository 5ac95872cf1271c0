import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { prisma } from '@/lib/db';
import { connectionConfig } from '@/lib/db/settings';
import { env } from '@/lib/env';
import { noteDatabaseFailure } from '@/lib/db/availability';

const HEARTBEAT_MS = 5_000;
/** Instances whose heartbeat is older than this are taken for gone and not waited for. */
const LIVE_WITHIN_SECONDS = 15;
const ACK_TIMEOUT_MS = 2_000;

/**
 * What a cache must forget: one credential (its hash, id and OAuth client's row id), one access token revoked
 * on its own (its jti), an organization deleted with everything it owns (its id: nothing more to forget, since
 * each of its credentials' deletions was announced before it, in the same transaction), every credential of a
 * tenant whose test clock moved (its organization's id), or everything when all are absent.
 */
export type Invalidation = {
  hash?: string;
  credentialId?: string;
  oauthClientId?: string;
  revokedJti?: string;
  deletedOrganizationId?: string;
  clockOrganizationId?: string;
};

/** A change that names nothing (the channel reconnected, or the caller could not say what changed): forget all. */
export function isFullInvalidation(change: Invalidation): boolean {
  return (
    !change.hash &&
    !change.credentialId &&
    !change.oauthClientId &&
    !change.revokedJti &&
    !change.deletedOrganizationId &&
    !change.clockOrganizationId
  );
}

const REVOKED_PREFIX = 'revoked:';
const DELETED_ORGANIZATION_PREFIX = 'organization-deleted:';
const CLOCK_PREFIX = 'clock:';

/** A change to one credential as its NOTIFY payload names it, so that this instance forgets just as others do. */
export function credentialKey(credential: { hash: string; id: string; oauthClientId: string }): string {
  return `${credential.hash}:${credential.id}:${credential.oauthClientId}`;
}

/** The key acknowledgements are matched by: a credential's hash, or "revoked:<jti>" for a revoked token. */
export function revocationKey(jti: string): string {
  return `${REVOKED_PREFIX}${jti}`;
}

/**
 * The key of an organization's deletion, sent last in the deleting transaction. PostgreSQL delivers one
 * transaction's notifications in the order they were sent, so an instance that acknowledges this one has
 * already dropped every credential whose deletion came before it.
 */
export function organizationDeletionKey(organizationId: string): string {
  return `${DELETED_ORGANIZATION_PREFIX}${organizationId}`;
}

/**
 * The key of a move of a tenant's test clock: every instance forgets what it cached of the tenant's
 * credentials (each entry carries the clock it was read with), so that none judges them at the old time.
 */
export function clockChangeKey(organizationId: string): string {
  return `${CLOCK_PREFIX}${organizationId}`;
}

/**
 * Reads a secret_changed payload: "<secret_hash>:<id>:<oauth_client_id>", "revoked:<jti>",
 * "organization-deleted:<id>" or "clock:<organization id>".
 */
function parsePayload(payload: string): { key: string; change: Invalidation } {
  if (payload.startsWith(CLOCK_PREFIX))
    return { key: payload, change: { clockOrganizationId: payload.slice(CLOCK_PREFIX.length) } };
  if (payload.startsWith(REVOKED_PREFIX))
    return { key: payload, change: { revokedJti: payload.slice(REVOKED_PREFIX.length) } };
  if (payload.startsWith(DELETED_ORGANIZATION_PREFIX))
    return { key: payload, change: { deletedOrganizationId: payload.slice(DELETED_ORGANIZATION_PREFIX.length) } };
  const [hash, credentialId, oauthClientId] = payload.split(':');
  return {
    key: hash ?? '',
    change: {
      hash: hash || undefined,
      credentialId: credentialId || undefined,
      oauthClientId: oauthClientId || undefined,
    },
  };
}

/**
 * The cross-instance channel for changes to secrets. Every change to a secret, by any instance or by plain
 * SQL, fires NOTIFY secret_changed on commit (trigger in the migrations); this channel tells its subscribers
 * (the token side's caches) to forget that secret and acknowledges on channel secret_ack. `change()` wraps a
 * write so that it returns only when every live instance has acknowledged. A heartbeat notices a silently
 * dead connection and keeps this instance listed in token_instances. While the channel is not connected,
 * subscribers are told to forget everything and should cache nothing.
 */
class CredentialChangeChannel {
  private listening = false;
  private listener: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  private subscribers = new Set<(change: Invalidation) => void>();
  /** Per change key (a hash, or a revocation key): who waits for acknowledgements, and from which instances. */
  private waiters = new Map<string, Set<(instance: string) => void>>();
  /** Bumped on every invalidation, so that a cache lookup that raced with a change is not kept. */
  private generationCount = 0;
  /** This process's id among the instances that share the database (table token_instances). */
  readonly instanceId = randomUUID();

  get generation(): number {
    return this.generationCount;
  }

  /**
   * Whether what was read from the database after `generation` was taken may be cached: the channel is
   * connected and nothing was invalidated meanwhile (else the read may predate a change it will not hear of).
   */
  mayCache(generation: number): boolean {
    return this.isListening() && generation === this.generationCount;
  }

  /** Starts listening if nothing has yet; true while the connection is up (then caching is safe). */
  isListening(): boolean {
    this.starting ??= this.listen();
    return this.listening;
  }

  /** Calls `forget` on every invalidation; returns the unsubscribe function. */
  subscribe(forget: (change: Invalidation) => void): () => void {
    this.subscribers.add(forget);
    return () => this.subscribers.delete(forget);
  }

  private invalidate(change: Invalidation = {}) {
    this.generationCount += 1;
    for (const forget of this.subscribers) forget(change);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client(connectionConfig(env.DATABASE_URL));
    const lost = (error?: unknown) => {
      if (this.listener !== client) return;
      noteDatabaseFailure(error);
      this.listening = false;
      this.listener = undefined;
      clearInterval(this.heartbeat);
      this.invalidate();
      client.end().catch(() => {});
      setTimeout(() => {
        this.starting = this.listen();
      }, 1000).unref();
    };
    client.on('notification', (message) => {
      const payload = message.payload ?? '';
      if (message.channel === 'secret_ack') {
        // "<instance>|<change payload>": that instance has dropped the credential or token from its caches.
        const [instance, change] = payload.split('|');
        const key = change === undefined ? '' : parsePayload(change).key;
        if (instance && key) for (const heard of this.waiters.get(key) ?? []) heard(instance);
        return;
      }
      // Forget the credential or token, then tell whoever made the change.
      this.invalidate(parsePayload(payload).change);
      client.query("SELECT pg_notify('secret_ack', $1)", [`${this.instanceId}|${payload}`]).catch(() => {});
    });
    client.on('error', lost);
    client.on('end', () => lost());
    this.listener = client;
    try {
      await client.connect();
      await client.query('LISTEN secret_changed');
      await client.query('LISTEN secret_ack');
      const register = () =>
        client.query(
          `INSERT INTO token_instances (id, heartbeat_at) VALUES ($1, now())
           ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()`,
          [this.instanceId],
        );
      await register();
      // Start from empty caches: changes made before LISTEN took effect were not heard.
      this.invalidate();
      this.listening = true;
      this.heartbeat = setInterval(() => {
        const timeout = setTimeout(() => lost(new Error('Connection terminated: heartbeat timeout')), HEARTBEAT_MS / 2);
        register()
          .then(() => client.query(`DELETE FROM token_instances WHERE heartbeat_at < now() - interval '1 hour'`))
          .then(() => clearTimeout(timeout), lost);
      }, HEARTBEAT_MS).unref();
    } catch (error) {
      lost(error);
    }
  }

  /**
   * Wraps a change to the credential named by `credentialKey` (or to the token named by `revocationKey`, the
   * organization named by `organizationDeletionKey`, or the tenant's clock named by `clockChangeKey`). The change
   * is applied, this instance forgets it at once, and the call returns only when every live instance sharing
   * the database (heartbeat in token_instances) has acknowledged dropping it: after that, no instance
   * answers from its old entry. An instance that does not answer within 2 s is reported and skipped.
   */
  async change<T>(key: string, apply: () => Promise<T>, applied: (result: T) => boolean): Promise<T> {
    this.starting ??= this.listen();
    await this.starting;
    const acked = new Set<string>();
    let progress = () => {};
    const heard = (instance: string) => {
      acked.add(instance);
      progress();
    };
    // Acknowledgements name the change by its payload, matched on the credential's hash (or revoked jti).
    const { key: ackKey, change } = parsePayload(key);
    const waiting = this.waiters.get(ackKey) ?? new Set();
    waiting.add(heard);
    this.waiters.set(ackKey, waiting);
    try {
      const result = await apply();
      this.invalidate(change);
      if (applied(result) && this.listening) {
        const live = await prisma.$queryRaw<{ id: string }[]>`
          SELECT id::text FROM token_instances WHERE heartbeat_at > now() - make_interval(secs => ${LIVE_WITHIN_SECONDS})`;
        const expected = new Set([...live.map((row) => row.id), this.instanceId]);
        const all = () => [...expected].every((id) => acked.has(id));
        const outcome = await new Promise<'acked' | 'timeout'>((resolve) => {
          const timer = setTimeout(() => resolve('timeout'), ACK_TIMEOUT_MS);
          timer.unref();
          progress = () => {
            if (all()) {
              clearTimeout(timer);
              resolve('acked');
            }
          };
          progress();
        });
        if (outcome === 'timeout') {
          const missing = [...expected].filter((id) => !acked.has(id)).length;
          console.warn(`secret change: ${missing} instance(s) did not acknowledge within ${ACK_TIMEOUT_MS} ms`);
        }
      }
      return result;
    } finally {
      waiting.delete(heard);
      if (waiting.size === 0) this.waiters.delete(ackKey);
    }
  }

  /** For tests and shutdown. */
  async close() {
    const client = this.listener;
    this.listener = undefined;
    this.listening = false;
    clearInterval(this.heartbeat);
    this.invalidate();
    await client?.query('DELETE FROM token_instances WHERE id = $1', [this.instanceId]).catch(() => {});
    await client?.end().catch(() => {});
  }
}

const globalForChanges = globalThis as unknown as { credentialChanges?: CredentialChangeChannel };
export const credentialChanges = (globalForChanges.credentialChanges ??= new CredentialChangeChannel());
