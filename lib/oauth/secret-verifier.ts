import pg from 'pg';
import { prisma } from '@/lib/db';
import { hashSecret, isWellFormedSecret } from '@/lib/secrets/format';

type Known = { secretId: string; clientId: string; active: boolean } | null; // null: no such secret

const MAX_ENTRIES = 200_000;

/**
 * Checks client secrets by SHA-256 lookup, caching what the database said per
 * hash. Every change to a secret, by any instance, fires a NOTIFY on commit
 * (trigger in the migrations); the listener drops that hash at once. While the
 * listener is not connected, nothing is cached and every check reads the database.
 */
class SecretVerifier {
  private cache = new Map<string, Known>();
  /** Bumped on every invalidation, so that a lookup that raced with a change is not cached. */
  private generation = 0;
  private listening = false;
  private listener: pg.Client | undefined;
  private starting: Promise<void> | undefined;
  private waiters = new Map<string, Set<() => void>>();

  async verify(clientId: string, secret: string): Promise<{ secretId: string } | null> {
    if (!isWellFormedSecret(secret)) return null;
    const hash = hashSecret(secret);
    this.starting ??= this.listen();

    let known = this.listening ? this.cache.get(hash) : undefined;
    if (known === undefined) known = await this.lookup(hash);
    return known && known.active && known.clientId === clientId ? { secretId: known.secretId } : null;
  }

  private async lookup(hash: string): Promise<Known> {
    const generation = this.generation;
    const row = await prisma.secret.findUnique({
      where: { secretHash: hash },
      select: { id: true, status: true, oauthClient: { select: { clientId: true } } },
    });
    const known: Known = row ? { secretId: row.id, clientId: row.oauthClient.clientId, active: row.status === 'ACTIVE' } : null;
    if (this.listening && generation === this.generation) {
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(hash, known);
    }
    return known;
  }

  private invalidate(hash?: string) {
    this.generation += 1;
    if (hash) this.cache.delete(hash);
    else this.cache.clear();
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const lost = () => {
      if (this.listener !== client) return;
      this.listening = false;
      this.listener = undefined;
      this.invalidate();
      client.end().catch(() => {});
      setTimeout(() => {
        this.starting = this.listen();
      }, 1000).unref();
    };
    client.on('notification', (message) => {
      this.invalidate(message.payload);
      if (message.payload) for (const wake of this.waiters.get(message.payload) ?? []) wake();
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
    } catch {
      lost();
    }
  }

  /**
   * Wraps a change to the secret with this hash. The change is applied, this
   * instance forgets the secret at once, and the call returns only when the
   * change's NOTIFY has come back from PostgreSQL: PostgreSQL signals every
   * listening instance at the same commit, so by the time the admin is told,
   * every instance has been told too.
   */
  async change<T>(hash: string, apply: () => Promise<T>, applied: (result: T) => boolean): Promise<T> {
    this.starting ??= this.listen();
    await this.starting;
    let wake!: () => void;
    const heard = new Promise<void>((resolve) => (wake = resolve));
    const waiting = this.waiters.get(hash) ?? new Set();
    waiting.add(wake);
    this.waiters.set(hash, waiting);
    try {
      const result = await apply();
      this.invalidate(hash);
      if (applied(result) && this.listening) {
        await Promise.race([heard, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
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
    this.invalidate();
    await client?.end().catch(() => {});
  }
}

const globalForVerifier = globalThis as unknown as { secretVerifier?: SecretVerifier };
export const secretVerifier = (globalForVerifier.secretVerifier ??= new SecretVerifier());
