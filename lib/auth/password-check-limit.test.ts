import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  PASSWORD_CHECK_CONCURRENCY,
  PASSWORD_CHECK_MAX_QUEUE,
  createSlotLimiter,
  isSignInStep,
  withPasswordCheckSlot,
} from './password-check-limit';
import { verifyPassword } from '@/lib/identity/password';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('createSlotLimiter', () => {
  it('runs at most `concurrency` at once and starts the waiting ones in order as slots free up', async () => {
    const limiter = createSlotLimiter({ concurrency: 2, maxQueue: 10, maxWaitMs: 60_000 });
    const gates = Array.from({ length: 5 }, () => deferred<number>());
    const started: number[] = [];
    const results = gates.map((gate, i) =>
      limiter.run(() => {
        started.push(i);
        return gate.promise;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(limiter.stats()).toEqual({ running: 2, waiting: 3 });
    gates[1]!.resolve(1);
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve(0);
    gates[2]!.resolve(2);
    await tick();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    gates[3]!.resolve(3);
    gates[4]!.resolve(4);
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4].map((value) => ({ ok: true, value })));
    expect(limiter.stats()).toEqual({ running: 0, waiting: 0 });
  });

  it('refuses at once when the queue is full, without running the function', async () => {
    const limiter = createSlotLimiter({ concurrency: 1, maxQueue: 2, maxWaitMs: 60_000 });
    const gate = deferred();
    const fn = vi.fn(() => gate.promise);
    const accepted = [limiter.run(fn), limiter.run(fn), limiter.run(fn)];
    const before = Date.now();
    expect(await limiter.run(fn)).toEqual({ ok: false });
    expect(Date.now() - before).toBeLessThan(50);
    expect(fn).toHaveBeenCalledTimes(1);
    gate.resolve();
    expect((await Promise.all(accepted)).every((result) => result.ok)).toBe(true);
    expect(fn).toHaveBeenCalledTimes(3);
  });

  it('refuses a waiting call once it has waited maxWaitMs, and frees its place in the queue', async () => {
    vi.useFakeTimers();
    const limiter = createSlotLimiter({ concurrency: 1, maxQueue: 1, maxWaitMs: 2_000 });
    const gate = deferred();
    const fn = vi.fn(() => gate.promise);
    const first = limiter.run(fn);
    const waiting = limiter.run(fn);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(limiter.stats()).toEqual({ running: 1, waiting: 1 });
    await vi.advanceTimersByTimeAsync(1);
    expect(await waiting).toEqual({ ok: false });
    expect(limiter.stats()).toEqual({ running: 1, waiting: 0 });
    const later = limiter.run(fn);
    gate.resolve();
    expect(await first).toEqual({ ok: true, value: undefined });
    expect(await later).toEqual({ ok: true, value: undefined });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('passes the function’s error on and still frees the slot', async () => {
    const limiter = createSlotLimiter({ concurrency: 1, maxQueue: 1, maxWaitMs: 60_000 });
    const failing = limiter.run(() => Promise.reject(new Error('boom')));
    const next = limiter.run(async () => 'after');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toEqual({ ok: true, value: 'after' });
    expect(limiter.stats()).toEqual({ running: 0, waiting: 0 });
  });
});

describe('withPasswordCheckSlot', () => {
  it('turns a flood of real argon2 verifications away beyond the slots and the queue', async () => {
    const flood = 40;
    let concurrent = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: flood }, () =>
        withPasswordCheckSlot(async () => {
          peak = Math.max(peak, ++concurrent);
          try {
            return await verifyPassword(null, 'guess');
          } finally {
            concurrent--;
          }
        }),
      ),
    );
    const accepted = results.filter((result) => result.ok).length;
    expect(peak).toBe(PASSWORD_CHECK_CONCURRENCY);
    // Beyond the slots and the queue, requests are turned away at once. On a loaded machine some queued ones
    // also give up after PASSWORD_CHECK_MAX_WAIT_MS, so the queue admits at least one but not always all of it.
    expect(accepted).toBeGreaterThan(PASSWORD_CHECK_CONCURRENCY);
    expect(accepted).toBeLessThanOrEqual(PASSWORD_CHECK_CONCURRENCY + PASSWORD_CHECK_MAX_QUEUE);
    expect(results.filter((result) => !result.ok)).toHaveLength(flood - accepted);
  });
});

describe('isSignInStep', () => {
  it('counts the steps that spend argon2, a second-factor check or a trip to an identity provider', () => {
    for (const path of ['/api/auth/sign-in', '/api/auth/second-factor', '/api/auth/invitation', '/api/auth/sso/start'])
      expect(isSignInStep(path)).toBe(true);
    for (const path of ['/api/auth/session', '/api/auth/csrf', '/api/auth/sso/callback', undefined])
      expect(isSignInStep(path)).toBe(false);
  });
});
