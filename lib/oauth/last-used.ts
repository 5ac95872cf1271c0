import { prisma } from '@/lib/db';

const INTERVAL_MS = 60_000;
const lastWritten = new Map<string, number>();

/**
 * Records that a secret obtained a token. Writes at most once a minute per
 * secret (per instance) and never makes the token request wait for the write.
 */
export function recordSecretUse(secretId: string, now = Date.now()): void {
  const previous = lastWritten.get(secretId);
  if (previous !== undefined && now - previous < INTERVAL_MS) return;
  lastWritten.set(secretId, now);
  if (lastWritten.size > 100_000) {
    for (const [id, at] of lastWritten) if (now - at >= INTERVAL_MS) lastWritten.delete(id);
  }
  prisma.secret
    .updateMany({ where: { id: secretId }, data: { lastUsedAt: new Date(now) } })
    .catch(() => lastWritten.delete(secretId));
}
