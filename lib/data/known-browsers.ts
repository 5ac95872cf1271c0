import { createHash } from 'node:crypto';
import { prisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';

type Db = Prisma.TransactionClient | typeof prisma;

function hashBrowserToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * What a sign-in's browser is to the user: `known` (signed in from it before), `new` (not seen, while
 * others were), or `first` (the user has no known browser yet: their first sign-in, or the first since
 * browsers were remembered, which alarms nobody). The browser is remembered, or its last sighting updated.
 * A sign-in without the browser cookie (a client that keeps no cookies) is `new` and remembers nothing,
 * unless the user has no known browser.
 */
export async function rememberBrowser(
  db: Db,
  { userId, token }: { userId: string; token: string | null },
): Promise<'known' | 'new' | 'first'> {
  if (!token) {
    const known = await db.knownBrowser.count({ where: { userId } });
    return known === 0 ? 'first' : 'new';
  }
  const tokenHash = hashBrowserToken(token);
  const [row] = await db.$queryRaw<{ inserted: boolean; others: number }[]>`
    WITH upsert AS (
      INSERT INTO known_browsers (user_id, token_hash) VALUES (${userId}::uuid, ${tokenHash})
      ON CONFLICT (user_id, token_hash) DO UPDATE SET last_seen_at = now()
      RETURNING (xmax = 0) AS inserted
    )
    SELECT upsert.inserted,
           (SELECT count(*)::int FROM known_browsers WHERE user_id = ${userId}::uuid AND token_hash <> ${tokenHash}) AS others
    FROM upsert`;
  if (!row?.inserted) return 'known';
  return row.others === 0 ? 'first' : 'new';
}

/** Forgets browsers not seen since `before` (the retention job): their cookie has expired by then. */
export async function pruneKnownBrowsers({ before }: { before: Date }): Promise<number> {
  const { count } = await prisma.knownBrowser.deleteMany({ where: { lastSeenAt: { lt: before } } });
  return count;
}
