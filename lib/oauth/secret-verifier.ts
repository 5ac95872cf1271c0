import pg from 'pg';
import { prisma } from '@/lib/db';
import { hashSecret, isWellFormedSecret } from '@/lib/secrets/format';
import { addressAllowed } from '@/lib/secrets/rules';

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
const HEARTBEAT_MS = 10_000;

/**
 * Checks client secrets by SHA-256 lookup, caching what the database said per
 * hash. Every change to a secret, by any instance or by plain SQL, fires a
 * NOTIFY on commit (trigger in the migrations) and the listener drops that
 * entry. While the listener is not connected, nothing is cached and every check
 * reads the database. A heartbeat notices a silently dead listener connection.
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
  private waiters = new Map<string, Set<() => void>>();
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
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL, keepAlive: true });
    const lost = () => {
      if (this.listener !== client) return;
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
      // Payload: "<secret_hash>:<secret_id>".
      const [hash, id] = message.payload?.split(':') ?? [];
      this.invalidate(hash);
      if (id) this.revocations.delete(id);
      if (hash) for (const wake of this.waiters.get(hash) ?? []) wake();
    });
    client.on('error', lost);
    client.on('end', lost);
    this.listener = client;
    try {
      await client.connect();
      await client.query('LISTEN secret_changed');
      // Start from an empty cache: changes made before LISTEN took effect were not heard.
      this.invalidate();
      this.listening = true;
      this.heartbeat = setInterval(() => {
        const timeout = setTimeout(lost, HEARTBEAT_MS / 2);
        client.query('SELECT 1').then(() => clearTimeout(timeout), lost);
      }, HEARTBEAT_MS).unref();
    } catch {
      lost();
    }
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
   * instance forgets the secret at once, and the call returns when the change's
   * NOTIFY has come back from PostgreSQL, which signals every listening
   * instance at the same commit. (Another instance may still be reading that
   * signal off its socket; entries also expire after a minute in any case.)
   */
  async change<T>(hash: string, apply: () => Promise<T>, applied: (result: T) => boolean): Promise<T> {
    this.starting ??= this.listen();
    await this.starting;
    let wake!: () => void;
    const heard = new Promise<'heard'>((resolve) => (wake = () => resolve('heard')));
    const waiting = this.waiters.get(hash) ?? new Set();
    waiting.add(wake);
    this.waiters.set(hash, waiting);
    try {
      const result = await apply();
      this.invalidate(hash);
      if (applied(result) && this.listening) {
        const outcome = await Promise.race([heard, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 2000).unref())]);
        if (outcome === 'timeout') console.warn('secret change: its notification did not come back within 2 s');
      }
      return result;
    } finally {
      waiting.delete(wake);
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
    await client?.end().catch(() => {});
  }
}

const globalForVerifier = globalThis as unknown as { secretVerifier?: SecretVerifier };
export const secretVerifier = (globalForVerifier.secretVerifier ??= new SecretVerifier());
