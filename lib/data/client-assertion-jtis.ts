import { prisma } from '@/lib/db';

/**
 * Records a client assertion's jti as used until `expiresAt` (the assertion's exp). False when the client
 * already used it: a replay, refused by every instance alike since the primary key is in PostgreSQL.
 */
export async function recordAssertionJti({
  oauthClientId,
  jti,
  expiresAt,
}: {
  oauthClientId: string;
  jti: string;
  expiresAt: Date;
}): Promise<boolean> {
  const inserted = await prisma.$executeRaw`
    INSERT INTO client_assertion_jtis (oauth_client_id, jti, expires_at)
    VALUES (${oauthClientId}::uuid, ${jti}, ${expiresAt})
    ON CONFLICT DO NOTHING`;
  return inserted === 1;
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
