import { prisma } from '@/lib/db';

interface PendingJti {
  oauthClientId: string;
  jti: string;
  expiresAt: Date;
  settle: (firstUse: boolean) => void;
  fail: (error: unknown) => void;
}

/** Most jtis in one INSERT. */
const MAX_BATCH = 500;

/**
 * Group commit for jtis: the jtis of the assertions verified during one turn of the event loop go to
 * PostgreSQL in one INSERT (one round trip, one commit) instead of one each. A jti twice in a batch is a
 * replay at once; across batches and instances the primary key decides.
 */
class JtiBatcher {
  private pending = new Map<string, PendingJti>();
  private scheduled = false;

  record(entry: Omit<PendingJti, 'settle' | 'fail'>): Promise<boolean> {
    const key = `${entry.oauthClientId}|${entry.jti}`;
    if (this.pending.has(key)) return Promise.resolve(false);
    return new Promise((settle, fail) => {
      this.pending.set(key, { ...entry, settle, fail });
      if (this.pending.size >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush() {
    this.scheduled = false;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending = new Map();
    prisma.$queryRaw<{ key: string }[]>`
      INSERT INTO client_assertion_jtis (oauth_client_id, jti, expires_at)
      SELECT * FROM unnest(${batch.map((e) => e.oauthClientId)}::uuid[], ${batch.map((e) => e.jti)}::text[],
                           ${batch.map((e) => e.expiresAt)}::timestamptz[])
      ON CONFLICT DO NOTHING
      RETURNING oauth_client_id::text || '|' || jti AS key`
      .then((rows) => {
        const inserted = new Set(rows.map((row) => row.key));
        for (const entry of batch) entry.settle(inserted.has(`${entry.oauthClientId}|${entry.jti}`));
      })
      .catch((error: unknown) => {
        for (const entry of batch) entry.fail(error);
      });
  }
}

const globalForJtis = globalThis as unknown as { jtiBatcher?: JtiBatcher };
const batcher = (globalForJtis.jtiBatcher ??= new JtiBatcher());

/**
 * Records a client assertion's jti as used until `expiresAt` (the assertion's exp). False when the client
 * already used it: a replay, refused by every instance alike since the primary key is in PostgreSQL.
 */
export function recordAssertionJti({
  oauthClientId,
  jti,
  expiresAt,
}: {
  oauthClientId: string;
  jti: string;
  expiresAt: Date;
}): Promise<boolean> {
  return batcher.record({ oauthClientId, jti, expiresAt });
}

/** Rows deleted per statement, so that a backlog never holds one long lock or transaction. */
const PRUNE_BATCH = 10_000;

/** Deletes the jtis of assertions that expired before `before`; returns how many. */
export async function pruneAssertionJtis({ before }: { before: Date }): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await prisma.$executeRaw`
      DELETE FROM client_assertion_jtis WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM client_assertion_jtis WHERE expires_at < ${before} LIMIT ${PRUNE_BATCH}))`;
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}
