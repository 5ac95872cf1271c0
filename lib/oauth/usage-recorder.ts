import { prisma } from '@/lib/db';
import { recordCredentialEvent, recordCredentialEvents } from '@/lib/data/audit';
import { raiseSecurityAlert } from '@/lib/data/alerts';
import { env } from '@/lib/env';

interface Caller {
  credentialId: string;
  address: string;
  userAgent: string;
  first: number;
  last: number;
  count: number;
}

const LAST_USED_INTERVAL_MS = 60_000;
const BLOCKED_EVENT_INTERVAL_MS = 60_000;

function minuteOf(now: number): number {
  return now - (now % 60_000);
}

/**
 * True at most once a minute per key: an attacker hammering a secret makes one event a minute, not thousands.
 * Entries older than the interval are dropped when the map grows large.
 */
function firstThisMinute(seen: Map<string, number>, key: string, now: number): boolean {
  const previous = seen.get(key);
  if (previous !== undefined && now - previous < BLOCKED_EVENT_INTERVAL_MS) return false;
  if (seen.size > 100_000) for (const [k, at] of seen) if (now - at >= BLOCKED_EVENT_INTERVAL_MS) seen.delete(k);
  seen.set(key, now);
  return true;
}

/**
 * Counts token requests in memory and writes them in one batch every few
 * seconds: tokens per secret per minute, callers (address and user agent), the
 * last use (at most once a minute per secret), and blocked attempts (at most one
 * event a minute per secret and address). A token request never waits for, or
 * causes, a database write of its own.
 */
class UsageRecorder {
  private counts = new Map<string, { credentialId: string; minute: number; count: number }>();
  private callers = new Map<string, Caller>();
  private lastUse = new Map<string, { at: number; address: string; userAgent: string }>();
  private lastUsedWritten = new Map<string, number>();
  private blocked: { credentialId: string; address: string; userAgent: string; at: number }[] = [];
  private blockedWritten = new Map<string, number>();
  private decoyUses: { credentialId: string; address: string; userAgent: string; at: number }[] = [];
  private decoyWritten = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  record(credentialId: string, address: string, userAgent: string, now = Date.now()) {
    this.start();
    const minute = minuteOf(now);
    const countKey = `${credentialId}|${minute}`;
    const bucket = this.counts.get(countKey);
    if (bucket) bucket.count += 1;
    else this.counts.set(countKey, { credentialId, minute, count: 1 });

    const callerKey = `${credentialId}\u0000${address}\u0000${userAgent}`;
    const caller = this.callers.get(callerKey);
    if (caller) {
      caller.last = now;
      caller.count += 1;
    } else {
      this.callers.set(callerKey, { credentialId, address, userAgent, first: now, last: now, count: 1 });
    }
    this.lastUse.set(credentialId, { at: now, address, userAgent });
  }

  recordBlocked(credentialId: string, address: string, userAgent: string, now = Date.now()) {
    this.start();
    if (!firstThisMinute(this.blockedWritten, `${credentialId}|${address}`, now)) return;
    this.blocked.push({ credentialId, address, userAgent, at: now });
  }

  /** A decoy was used: one high-priority audit event and alert update a minute per decoy and address. */
  recordDecoyUse(credentialId: string, address: string, userAgent: string, now = Date.now()) {
    this.start();
    if (!firstThisMinute(this.decoyWritten, `${credentialId}|${address}`, now)) return;
    this.decoyUses.push({ credentialId, address, userAgent, at: now });
    // An alarm should not wait for the next batch.
    void this.flush();
  }

  private start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), env.USAGE_FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what has been counted so far; flushes run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write()).catch(() => {});
    return this.flushing;
  }

  private async write() {
    const counts = [...this.counts.values()];
    const callers = [...this.callers.values()];
    const blocked = this.blocked;
    const decoyUses = this.decoyUses;
    this.decoyUses = [];
    const now = Date.now();
    const lastUses = [...this.lastUse.entries()].filter(
      ([id]) => now - (this.lastUsedWritten.get(id) ?? -Infinity) >= LAST_USED_INTERVAL_MS,
    );
    this.counts = new Map();
    this.callers = new Map();
    this.blocked = [];
    for (const [id] of lastUses) this.lastUse.delete(id);
    if (decoyUses.length) {
      await prisma
        .$transaction(async (tx) => {
          for (const use of decoyUses) {
            const context = { address: use.address, userAgent: use.userAgent };
            await recordCredentialEvent(tx, {
              credentialId: use.credentialId,
              actor: null,
              action: 'decoy_used',
              priority: 'high',
              context,
            });
            await raiseSecurityAlert(tx, {
              kind: 'decoy_used',
              credentialId: use.credentialId,
              ...context,
              at: new Date(use.at),
            });
          }
        })
        .catch(() => this.decoyUses.push(...decoyUses));
    }
    if (!counts.length && !callers.length && !blocked.length && !lastUses.length) return;

    // The secrets this batch refers to, locked up front in id order, the order a tenant's deletion locks
    // them in: the statements below then take them in whatever order their arrays give without deadlocking.
    const credentialIds = [
      ...new Set([...counts, ...callers].map((c) => c.credentialId).concat(lastUses.map(([id]) => id))),
    ];
    try {
      await prisma.$transaction([
        prisma.$executeRaw`SELECT 1 FROM secrets WHERE id = ANY(${credentialIds}::uuid[]) ORDER BY id FOR KEY SHARE`,
        prisma.$executeRaw`
          INSERT INTO secret_usage (secret_id, minute, count)
          SELECT v.id, v.minute, v.count
          FROM unnest(${counts.map((c) => c.credentialId)}::uuid[], ${counts.map((c) => new Date(c.minute))}::timestamptz[], ${counts.map((c) => c.count)}::int[])
            AS v(id, minute, count)
          WHERE EXISTS (SELECT 1 FROM secrets s WHERE s.id = v.id)
          ON CONFLICT (secret_id, minute) DO UPDATE SET count = secret_usage.count + EXCLUDED.count`,
        prisma.$executeRaw`
          INSERT INTO secret_callers (secret_id, address, user_agent, first_seen, last_seen, count)
          SELECT v.id, v.address, v.ua, v.first, v.last, v.count
          FROM unnest(${callers.map((c) => c.credentialId)}::uuid[], ${callers.map((c) => c.address)}::text[], ${callers.map((c) => c.userAgent)}::text[],
                      ${callers.map((c) => new Date(c.first))}::timestamptz[], ${callers.map((c) => new Date(c.last))}::timestamptz[], ${callers.map((c) => c.count)}::int[])
            AS v(id, address, ua, first, last, count)
          WHERE EXISTS (SELECT 1 FROM secrets s WHERE s.id = v.id)
          ON CONFLICT (secret_id, address, user_agent) DO UPDATE SET
            first_seen = LEAST(secret_callers.first_seen, EXCLUDED.first_seen),
            last_seen = GREATEST(secret_callers.last_seen, EXCLUDED.last_seen),
            count = secret_callers.count + EXCLUDED.count`,
        prisma.$executeRaw`
          UPDATE secrets SET last_used_at = v.at, last_used_address = v.address, last_used_user_agent = v.ua
          FROM unnest(${lastUses.map(([id]) => id)}::uuid[], ${lastUses.map(([, u]) => new Date(u.at))}::timestamptz[],
                      ${lastUses.map(([, u]) => u.address)}::text[], ${lastUses.map(([, u]) => u.userAgent)}::text[]) AS v(id, at, address, ua)
          WHERE secrets.id = v.id AND (secrets.last_used_at IS NULL OR secrets.last_used_at < v.at)`,
        recordCredentialEvents(
          prisma,
          blocked.map((b) => ({
            credentialId: b.credentialId,
            actor: 'token-endpoint' as const,
            action: 'blocked_address',
            context: { address: b.address, userAgent: b.userAgent },
            at: new Date(b.at),
          })),
        ),
      ]);
      for (const [id] of lastUses) this.lastUsedWritten.set(id, now);
    } catch (error) {
      // Put the counts back for the next flush rather than lose them.
      for (const c of counts) {
        const key = `${c.credentialId}|${c.minute}`;
        const bucket = this.counts.get(key);
        if (bucket) bucket.count += c.count;
        else this.counts.set(key, c);
      }
      for (const c of callers) {
        const key = `${c.credentialId}\u0000${c.address}\u0000${c.userAgent}`;
        const existing = this.callers.get(key);
        if (existing) {
          existing.first = Math.min(existing.first, c.first);
          existing.count += c.count;
        } else this.callers.set(key, c);
      }
      for (const [id, use] of lastUses) if (!this.lastUse.has(id)) this.lastUse.set(id, use);
      this.blocked.push(...blocked);
      throw error;
    }
  }
}

const globalForUsage = globalThis as unknown as { usageRecorder?: UsageRecorder };
export const usageRecorder = (globalForUsage.usageRecorder ??= new UsageRecorder());
