import { createHash } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { RateLimiterMemory, RateLimiterPrisma, RateLimiterRes } from 'rate-limiter-flexible';
import { normalizeEmail } from '@/lib/data/users';
import { prisma } from '@/lib/db';

/**
 * Failed sign-ins are counted in three ways; each count, once at its threshold, blocks with a delay that
 * doubles at every further failure up to a cap. While blocked, attempts are refused before the password is
 * checked, so each block lets through at most one more guess when it ends.
 *
 * - pair (one address, one account): a person mistyping, or one attacker on one account. Counts until a
 *   success or 24 h after the first failure; 5 failures block 1 min, then 2, 4, 8 and 15 min from then on.
 * - account (all addresses): a distributed attack on one account. 20 failures in 24 h block 1 min, then 2,
 *   4 and at most 5 min: an attacker elsewhere can hold an account for minutes at a time, never longer,
 *   and an address that has signed in to the account before is not held at all (see `recordSignInSuccess`).
 * - address (all accounts): one address spraying passwords over many accounts. 100 failures in 1 h block
 *   5 min, then 10, 20, 40 and at most 60 min.
 *
 * Accounts are keyed by the SHA-256 of the normalized email whether or not the account exists, so unknown
 * and known emails are counted, blocked and answered identically. IPv6 addresses are keyed by their /64,
 * which a single host usually holds whole.
 */
export const SIGN_IN_THROTTLE = {
  pair: { windowSeconds: 24 * 60 * 60, threshold: 5, firstBlockSeconds: 60, maxBlockSeconds: 15 * 60 },
  account: { windowSeconds: 24 * 60 * 60, threshold: 20, firstBlockSeconds: 60, maxBlockSeconds: 5 * 60 },
  address: { windowSeconds: 60 * 60, threshold: 100, firstBlockSeconds: 5 * 60, maxBlockSeconds: 60 * 60 },
} as const;

/** How long an address that signed in to an account stays exempt from that account's distributed-attack block. */
export const KNOWN_ADDRESS_SECONDS = 30 * 24 * 60 * 60;

type Scope = keyof typeof SIGN_IN_THROTTLE;
const SCOPES = Object.keys(SIGN_IN_THROTTLE) as Scope[];

/** The block after the `failures`-th failure, in seconds (0 below the threshold). */
export function blockSecondsAfter(scope: Scope, failures: number): number {
  const rule = SIGN_IN_THROTTLE[scope];
  if (failures < rule.threshold) return 0;
  return Math.min(rule.firstBlockSeconds * 2 ** Math.min(failures - rule.threshold, 30), rule.maxBlockSeconds);
}

function limiter(keyPrefix: string, points: number, duration: number) {
  // If the database is unreachable, keep throttling per instance.
  const insurance = new RateLimiterMemory({ keyPrefix: `${keyPrefix}-insurance`, points, duration });
  const store = new RateLimiterPrisma({
    storeClient: prisma,
    tableName: 'rateLimit',
    keyPrefix,
    points,
    duration,
    insuranceLimiter: insurance,
  });
  return Object.assign(store, { insurance });
}

type Limiter = ReturnType<typeof limiter>;

interface Limiters {
  failures: Record<Scope, Limiter>;
  /** Rows that exist only while a key is blocked (`block()` writes them with the block's expiry). */
  blocks: Limiter;
  /** Pairs that signed in successfully. */
  known: Limiter;
}

const globalForThrottle = globalThis as unknown as { signInThrottle?: Limiters };

function limiters(): Limiters {
  return (globalForThrottle.signInThrottle ??= {
    failures: {
      pair: limiter('signin-fail-pair', SIGN_IN_THROTTLE.pair.threshold, SIGN_IN_THROTTLE.pair.windowSeconds),
      account: limiter(
        'signin-fail-account',
        SIGN_IN_THROTTLE.account.threshold,
        SIGN_IN_THROTTLE.account.windowSeconds,
      ),
      address: limiter(
        'signin-fail-address',
        SIGN_IN_THROTTLE.address.threshold,
        SIGN_IN_THROTTLE.address.windowSeconds,
      ),
    },
    blocks: limiter('signin-block', 1, 1),
    known: limiter('signin-known', 1, KNOWN_ADDRESS_SECONDS),
  });
}

function sha256(value: string) {
  return createHash('sha256').update(value).digest('base64url');
}

function addressKey(address: string): string {
  try {
    const parsed = ipaddr.process(address);
    if (parsed.kind() === 'ipv6') return `${parsed.toNormalizedString().split(':').slice(0, 4).join(':')}::/64`;
    return parsed.toString();
  } catch {
    return address;
  }
}

/** The rate_limits keys (before each limiter's prefix) of one attempt. */
function keysOf({ email, address }: { email: string; address: string }): Record<Scope, string> {
  const account = sha256(normalizeEmail(email));
  const from = addressKey(address);
  return { account, address: from, pair: sha256(`${from}\n${account}`) };
}

function toSeconds(ms: number) {
  return Math.max(1, Math.ceil(ms / 1000));
}

function remainingMs(res: unknown): number {
  return res instanceof RateLimiterRes && res.msBeforeNext > 0 ? res.msBeforeNext : 0;
}

/**
 * Whether this attempt must wait, read without counting anything: call it before the password is checked.
 * The four rows are read in one query; the per-instance fallback answers while the database is unreachable.
 * Under a flood, call it inside `withPasswordCheckSlot` with the check itself: 200 of these queries a second
 * slowed the token endpoint far more than the refused requests did (see docs/benchmarks.md, bench:signin).
 */
export async function checkSignInThrottle(attempt: {
  email: string;
  address: string;
}): Promise<{ retryAfterSeconds: number } | null> {
  const { blocks, known } = limiters();
  const keys = keysOf(attempt);
  const blockKeys = SCOPES.map((scope) => blocks.getKey(`${scope}:${keys[scope]}`));
  const knownKey = known.getKey(keys.pair);
  const now = new Date();
  let expiries: Map<string, number>;
  try {
    const rows = await prisma.rateLimit.findMany({
      where: { key: { in: [...blockKeys, knownKey] }, expire: { gt: now } },
      select: { key: true, expire: true },
    });
    expiries = new Map(rows.map((row) => [row.key, row.expire!.getTime() - now.getTime()]));
  } catch {
    // The database is unreachable: answer from what this instance's fallback limiters have seen.
    const results = await Promise.all([
      ...SCOPES.map((scope) => blocks.insurance.get(`${scope}:${keys[scope]}`)),
      known.insurance.get(keys.pair),
    ]);
    expiries = new Map([...blockKeys, knownKey].map((key, i) => [key, remainingMs(results[i])]));
  }
  const isKnown = (expiries.get(knownKey) ?? 0) > 0;
  const waits = SCOPES.map((scope, i) => (scope === 'account' && isKnown ? 0 : (expiries.get(blockKeys[i]!) ?? 0)));
  const longest = Math.max(0, ...waits);
  return longest > 0 ? { retryAfterSeconds: toSeconds(longest) } : null;
}

/** Counts a failed sign-in in all three ways; returns the longest block it starts, or null. */
export async function recordSignInFailure(attempt: {
  email: string;
  address: string;
}): Promise<{ retryAfterSeconds: number } | null> {
  const { failures, blocks } = limiters();
  const keys = keysOf(attempt);
  const started = await Promise.all(
    SCOPES.map(async (scope) => {
      const counted = await failures[scope].penalty(keys[scope]);
      const seconds = blockSecondsAfter(scope, counted.consumedPoints);
      if (seconds > 0) await blocks.block(`${scope}:${keys[scope]}`, seconds);
      return seconds;
    }),
  );
  const longest = Math.max(...started);
  return longest > 0 ? { retryAfterSeconds: longest } : null;
}

/**
 * After a correct password: this pair's consecutive failures are cleared, and taken back from the account's
 * and the address's counts (they were this person's typos, not an attack). Failures from other addresses
 * stay counted, and blocks already running stay (none can be running for this attempt: it was checked
 * first). The pair is remembered for 30 days, so that a distributed attack on the account no longer holds
 * this address; the pair and address limits still apply to it.
 */
export async function recordSignInSuccess(attempt: { email: string; address: string }): Promise<void> {
  const { failures, blocks, known } = limiters();
  const keys = keysOf(attempt);
  const own = (await failures.pair.get(keys.pair))?.consumedPoints ?? 0;
  await Promise.all([
    failures.pair.delete(keys.pair),
    blocks.delete(`pair:${keys.pair}`),
    known.set(keys.pair, 1, KNOWN_ADDRESS_SECONDS),
    ...(['account', 'address'] as const).map(async (scope) => {
      if (own === 0) return;
      const counted = (await failures[scope].get(keys[scope]))?.consumedPoints ?? 0;
      const forgiven = Math.min(own, counted);
      if (forgiven > 0) await failures[scope].reward(keys[scope], forgiven);
    }),
  ]);
}

/** The 429 message: when to come back, and nothing about whether the account exists. */
export function throttleMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Too many attempts. Try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}
