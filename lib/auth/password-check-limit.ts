import { BurstyRateLimiter, RateLimiterMemory } from 'rate-limiter-flexible';
import { availableParallelism } from 'node:os';
import { env } from '@/lib/env';

export type SlotResult<T> = { ok: true; value: T } | { ok: false };

export interface SlotLimiterOptions {
  /** Checks running at once. */
  concurrency: number;
  /** Checks waiting for a slot; one more is refused at once. */
  maxQueue: number;
  /** How long a waiting check may wait before it is refused. */
  maxWaitMs: number;
}

/**
 * A concurrency cap whose queue is bounded in length and in waiting time (p-limit and p-queue bound
 * neither, and a flood must be turned away rather than queued for ever). `fn`'s own errors propagate.
 */
export function createSlotLimiter({ concurrency, maxQueue, maxWaitMs }: SlotLimiterOptions) {
  let running = 0;
  const waiting: Array<{ start: () => void; timer: NodeJS.Timeout }> = [];

  function release() {
    const next = waiting.shift();
    if (next) {
      clearTimeout(next.timer);
      next.start();
    } else running--;
  }

  async function run<T>(fn: () => Promise<T>): Promise<SlotResult<T>> {
    if (running < concurrency) running++;
    else if (waiting.length >= maxQueue) return { ok: false };
    else {
      // The slot passes straight from the check that releases it to this one, so `running` stays put.
      const started = await new Promise<boolean>((resolve) => {
        const entry = {
          start: () => resolve(true),
          timer: setTimeout(() => {
            waiting.splice(waiting.indexOf(entry), 1);
            resolve(false);
          }, maxWaitMs),
        };
        waiting.push(entry);
      });
      if (!started) return { ok: false };
    }
    try {
      return { ok: true, value: await fn() };
    } finally {
      release();
    }
  }

  return { run, stats: () => ({ running, waiting: waiting.length }) };
}

// argon2id (19 MiB, t=2) is about 50 ms of CPU on libuv's pool. Half the cores, at least one: on the
// 2-core machine one check at a time, which leaves a core to the token endpoint and PostgreSQL during a
// flood (about 20 checks a second per instance). 16 waiting checks drain in under a second, so the 2 s
// wait is only reached when the CPU is already starved; beyond either bound the caller answers 503.
export const PASSWORD_CHECK_CONCURRENCY = Math.max(1, Math.floor(availableParallelism() / 2));
export const PASSWORD_CHECK_MAX_QUEUE = 16;
export const PASSWORD_CHECK_MAX_WAIT_MS = 2_000;

const globalForSlots = globalThis as unknown as { passwordCheckSlots?: ReturnType<typeof createSlotLimiter> };

/**
 * Runs `fn` (a password verification) in one of this instance's few password-check slots, or returns
 * `{ ok: false }` when the slots and the bounded queue are full or the wait ran out.
 */
export function withPasswordCheckSlot<T>(fn: () => Promise<T>): Promise<SlotResult<T>> {
  globalForSlots.passwordCheckSlots ??= createSlotLimiter({
    concurrency: PASSWORD_CHECK_CONCURRENCY,
    maxQueue: PASSWORD_CHECK_MAX_QUEUE,
    maxWaitMs: PASSWORD_CHECK_MAX_WAIT_MS,
  });
  return globalForSlots.passwordCheckSlots.run(fn);
}

/**
 * Sign-in attempts each server process admits: SIGN_IN_ATTEMPTS_PER_SECOND sustained (2), plus a burst of
 * SIGN_IN_ATTEMPTS_BURST (10) every 30 s for people and test suites that sign in several times in a row.
 * The production server (server/instance.ts) asks before Next.js sees the request, so a flood beyond it
 * is answered 503 at once, costing the token endpoint next to nothing; the per-account and per-address
 * throttles still decide about every admitted attempt. Measured with `npm run bench:signin`: at 10 a
 * second per process, 200 bogus sign-ins a second doubled the token endpoint's p99; at 2, it held.
 */
const BURST_WINDOW_SECONDS = 30;

const globalForAdmission = globalThis as unknown as { signInAdmission?: BurstyRateLimiter };

export const SIGN_IN_BUSY_MESSAGE = 'The sign-in service is busy. Try again in a moment.';

/**
 * The routes that check or hash a password, or check a second factor, and single sign-on's start (a row and
 * requests to the identity provider for each): what the admission counts.
 */
export function isSignInStep(path: string | undefined): boolean {
  return (
    path === '/api/auth/sign-in' ||
    path === '/api/auth/second-factor' ||
    path === '/api/auth/invitation' ||
    path === '/api/auth/sso/start'
  );
}

/** Whether this process can take one more sign-in attempt now (the production server asks first). */
export async function admitSignInAttempt(): Promise<boolean> {
  globalForAdmission.signInAdmission ??= new BurstyRateLimiter(
    new RateLimiterMemory({ keyPrefix: 'signin-admission', points: env.SIGN_IN_ATTEMPTS_PER_SECOND, duration: 1 }),
    new RateLimiterMemory({
      keyPrefix: 'signin-admission-burst',
      points: env.SIGN_IN_ATTEMPTS_BURST,
      duration: BURST_WINDOW_SECONDS,
    }),
  );
  return globalForAdmission.signInAdmission.consume('instance').then(
    () => true,
    () => false,
  );
}
