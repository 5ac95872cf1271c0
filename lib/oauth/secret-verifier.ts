import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { prisma } from '@/lib/db';
import { connectionConfig } from '@/lib/db/settings';
import { noteDatabaseFailure } from '@/lib/db/availability';
import { hashSecret, isWellFormedSecret } from '@/lib/secrets/format';
import { addressAllowed } from '@/lib/secrets/rules';
import { env } from '@/lib/env';

/** What the token endpoint needs to know about a secret, as the database last said. */
interface KnownSecret {
  secretId: string;
  clientId: string;
  active: boolean;
  /** Epoch ms from which the secret stops working (expiry or end of its roll grace period), or Infinity. */
  stopsAt: number;
  allowedCidrs: string[];
  decoy: boolean;
  cachedAt: number;
}

export type Verification =
  | { ok: true; secretId: string }
  | { ok: false; reason: 'unknown' | 'blocked_address' | 'decoy'; secretId?: string };

const MAX_ENTRIES = 200_000;
const MAX_UNKNOWN = 20_000;
/** Entries are re-read at least this often, even if a notification was somehow missed. */
const ENTRY_TTL_MS = 60_000;
const HEARTBEAT_MS = 5_000;
/** Instances whose heartbeat is older than this are taken for gone and not waited for. */
const LIVE_WITHIN_SECONDS = 15;
const ACK_TIMEOUT_MS = 2_000;

/**
 * Checks client secrets by SHA-256 lookup, caching what the database said per
 * hash. Every change to a secret, by any instance or by plain SQL, fires a
 * NOTIFY on commit (trigger in the migrations) and the listener drops that
 * entry and acknowledges on channel secret_ack. While the listener is not
 * connected, nothing is cached and every check reads the database. A heartbeat
 * notices a silently dead listener connection and keeps this instance listed.
 */
class SecretVerifier {
  private known = new Map<string, KnownSecret>();
  /** Hashes the database does not know, kept apart so that a flood of guesses cannot evict real entries. */
  private unknown = new Set<string>();
  /** Bumped on every invalidation, so that a lookup that raced with a change is not cached. */
  private generation = 0;
  private listening = false;
  private listener: pg.Client | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private starting: Promise<void> | undefined;
  /** Per hash: who waits for acknowledgements of a change, and from which instances they came. */
  private waiters = new Map<string, Set<(instance: string) => void>>();
  /** This process's id among the instances that share the database (table token_instances). */
  readonly instanceId = randomUUID();
  /** Per secret id: the instant before which its access tokens are refused (0: none). */
  private revocations = new Map<string, { cutoff: number; cachedAt: number }>();

  async verify(clientId: string, secret: string, address: string, now = Date.now()): Promise<Verification> {
    if (!isWellFormedSecret(secret)) return { ok: false, reason: 'unknown' };
    const hash = hashSecret(secret);
    this.starting ??= this.listen();

    let entry: KnownSecret | null | undefined;
    if (this.listening) {
      const cached = this.known.get(hash);
      if (cached && now - cached.cachedAt < ENTRY_TTL_MS) entry = cached;
      else if (this.unknown.has(hash)) entry = null;
    }
    if (entry === undefined) entry = await this.lookup(hash);

    // A decoy is never valid, whichever client id comes with it; its use is an alarm.
    if (entry?.decoy) return { ok: false, reason: 'decoy', secretId: entry.secretId };
    if (!entry || !entry.active || entry.clientId !== clientId || now >= entry.stopsAt) return { ok: false, reason: 'unknown' };
    if (!addressAllowed(address, entry.allowedCidrs)) return { ok: false, reason: 'blocked_address', secretId: entry.secretId };
    return { ok: true, secretId: entry.secretId };
  }

  private async lookup(hash: string): Promise<KnownSecret | null> {
    const generation = this.generation;
    const row = await prisma.secret.findUnique({
      where: { secretHash: hash },
      select: {
        id: true,
        status: true,
        expiresAt: true,
        deactivateAt: true,
        allowedCidrs: true,
        isDecoy: true,
        oauthClient: { select: { clientId: true } },
      },
    });
    const stops = [row?.expiresAt, row?.deactivateAt].filter((d): d is Date => !!d).map((d) => d.getTime());
    const entry: KnownSecret | null = row
      ? {
          secretId: row.id,
          clientId: row.oauthClient.clientId,
          active: row.status === 'ACTIVE',
          stopsAt: stops.length ? Math.min(...stops) : Infinity,
          allowedCidrs: row.allowedCidrs,
          decoy: row.isDecoy,
          cachedAt: Date.now(),
        }
      : null;
    if (this.listening && generation === this.generation) {
      if (entry) {
        if (this.known.size >= MAX_ENTRIES) this.known.clear();
        this.known.set(hash, entry);
      } else {
        if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
        this.unknown.add(hash);
      }
    }
    return entry;
  }

  private invalidate(hash?: string) {
    this.generation += 1;
    if (hash) {
      this.known.delete(hash);
      this.unknown.delete(hash);
    } else {
      this.known.clear();
      this.unknown.clear();
      this.revocations.clear();
    }
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
        // "<instance>|<secret_hash>:<secret_id>": that instance has dropped the secret from its cache.
        const [instance, change] = payload.split('|');
        const hash = change?.split(':')[0];
        if (instance && hash) for (const heard of this.waiters.get(hash) ?? []) heard(instance);
        return;
      }
      // "<secret_hash>:<secret_id>": forget it, then tell whoever made the change.
      const [hash, id] = payload.split(':');
      this.invalidate(hash);
      if (id) this.revocations.delete(id);
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
      // Start from an empty cache: changes made before LISTEN took effect were not heard.
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

  /** Starts the listener if nothing has yet; true while it is connected (for /readyz). */
  isListening(): boolean {
    this.starting ??= this.listen();
    return this.listening;
  }

  /**
   * Epoch seconds before which access tokens of this secret are refused ("also
   * revoke the tokens it already issued"), 0 when none; cached like secrets.
   */
  async tokensRevokedBefore(secretId: string, now = Date.now()): Promise<number> {
    this.starting ??= this.listen();
    const cached = this.listening ? this.revocations.get(secretId) : undefined;
    if (cached && now - cached.cachedAt < ENTRY_TTL_MS) return cached.cutoff;
    const generation = this.generation;
    const row = await prisma.secret.findUnique({ where: { id: secretId }, select: { tokensRevokedBefore: true } });
    const cutoff = row?.tokensRevokedBefore ? Math.floor(row.tokensRevokedBefore.getTime() / 1000) : 0;
    if (this.listening && generation === this.generation) {
      if (this.revocations.size >= MAX_UNKNOWN) this.revocations.clear();
      this.revocations.set(secretId, { cutoff, cachedAt: Date.now() });
    }
    return cutoff;
  }

  /**
   * Wraps a change to the secret with this hash. The change is applied, this
   * instance forgets the secret at once, and the call returns only when every
   * live instance sharing the database (heartbeat in token_instances) has
   * acknowledged dropping it: after that, no instance answers from its old
   * entry. An instance that does not answer within 2 s is reported and skipped.
   */
  async change<T>(hash: string, apply: () => Promise<T>, applied: (result: T) => boolean): Promise<T> {
    this.starting ??= this.listen();
    await this.starting;
    const acked = new Set<string>();
    let progress = () => {};
    const heard = (instance: string) => {
      acked.add(instance);
      progress();
    };
    const waiting = this.waiters.get(hash) ?? new Set();
    waiting.add(heard);
    this.waiters.set(hash, waiting);
    try {
      const result = await apply();
      this.invalidate(hash);
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
      if (waiting.size === 0) this.waiters.delete(hash);
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

const globalForVerifier = globalThis as unknown as { secretVerifier?: SecretVerifier };
export const secretVerifier = (globalForVerifier.secretVerifier ??= new SecretVerifier());
