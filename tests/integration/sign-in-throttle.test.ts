import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import pg from 'pg';
import { verifyUserCredentials } from '@/lib/data/users';
import {
  checkSignInThrottle,
  recordSignInFailure,
  recordSignInSuccess,
  throttleMessage,
} from '@/lib/auth/sign-in-throttle';
import { organizationWithAdmin } from '../helpers/fixtures';

const PASSWORD = 'test-password-123';

let admin: { email: string };
beforeAll(async () => {
  admin = (await organizationWithAdmin('Throttled')).actor;
});

// The limiter stores expiries computed from JavaScript's clock (`new Date()`) and compares rows with it,
// so faking Date moves every window and block, in the database too.
let now = Date.UTC(2030, 0, 1, 9, 0, 0);
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  now += 24 * 60 * 60 * 1000;
  vi.setSystemTime(now);
});
afterEach(() => {
  vi.useRealTimers();
});

function advance(seconds: number) {
  now += seconds * 1000;
  vi.setSystemTime(now);
}

const email = () => `user-${randomUUID()}@example.test`;
let addressCounter = 0;
const freshAddress = () => {
  addressCounter++;
  return `10.${(addressCounter >> 16) & 255}.${(addressCounter >> 8) & 255}.${addressCounter & 255}`;
};

/** The password step as the sign-in route does it: check, verify, record. */
async function signIn(attempt: { email: string; password: string; address: string }) {
  const blocked = await checkSignInThrottle(attempt);
  if (blocked) return { status: 429, retryAfter: blocked.retryAfterSeconds };
  const user = await verifyUserCredentials(attempt);
  if (user) {
    await recordSignInSuccess(attempt);
    return { status: 200 };
  }
  const now = await recordSignInFailure(attempt);
  return now ? { status: 401, blockedFor: now.retryAfterSeconds } : { status: 401 };
}

async function fail(target: string, address: string) {
  return recordSignInFailure({ email: target, address });
}

describe('per address and account', () => {
  it('blocks after 5 consecutive failures for 1 minute, then 2, 4, 8 and at most 15 minutes', async () => {
    const target = email();
    const address = freshAddress();
    for (let i = 0; i < 4; i++) expect(await fail(target, address)).toBeNull();
    expect(await checkSignInThrottle({ email: target, address })).toBeNull();
    expect(await fail(target, address)).toEqual({ retryAfterSeconds: 60 });
    expect(await checkSignInThrottle({ email: target, address })).toEqual({ retryAfterSeconds: 60 });

    const blocks = [];
    for (let i = 0; i < 6; i++) {
      const block = (await checkSignInThrottle({ email: target, address }))!.retryAfterSeconds;
      advance(block - 1);
      expect(await checkSignInThrottle({ email: target, address })).toEqual({ retryAfterSeconds: 1 });
      advance(1);
      expect(await checkSignInThrottle({ email: target, address })).toBeNull();
      blocks.push((await fail(target, address))!.retryAfterSeconds);
    }
    expect(blocks).toEqual([120, 240, 480, 900, 900, 900]);
  });

  it('holds only that pair: the same account from another address, and another account from that address, go on', async () => {
    const target = email();
    const address = freshAddress();
    for (let i = 0; i < 5; i++) await fail(target, address);
    expect(await checkSignInThrottle({ email: target, address })).not.toBeNull();
    expect(await checkSignInThrottle({ email: target, address: freshAddress() })).toBeNull();
    expect(await checkSignInThrottle({ email: email(), address })).toBeNull();
  });

  it('counts the normalized email, and an IPv6 /64 as one address', async () => {
    const target = email();
    for (let i = 0; i < 5; i++) await fail(i % 2 ? `  ${target.toUpperCase()} ` : target, `2001:db8:1:2::${i + 1}`);
    expect(await checkSignInThrottle({ email: target, address: '2001:db8:1:2:ffff::9' })).toEqual({
      retryAfterSeconds: 60,
    });
    expect(await checkSignInThrottle({ email: target, address: '2001:db8:1:3::1' })).toBeNull();
  });

  it('starts again after a success: the failures before it no longer count', async () => {
    const address = freshAddress();
    for (let i = 0; i < 4; i++)
      expect((await signIn({ email: admin.email, password: 'wrong', address })).status).toBe(401);
    expect((await signIn({ email: admin.email, password: PASSWORD, address })).status).toBe(200);
    for (let i = 0; i < 4; i++)
      expect((await signIn({ email: admin.email, password: 'wrong', address })).status).toBe(401);
    expect(await checkSignInThrottle({ email: admin.email, address })).toBeNull();
    expect((await signIn({ email: admin.email, password: 'wrong', address })).blockedFor).toBe(60);
    expect((await signIn({ email: admin.email, password: PASSWORD, address })).status).toBe(429);
  });
});

describe('per account, from many addresses', () => {
  it('blocks every address after 20 failures, for 1 minute growing to at most 5', async () => {
    const target = email();
    for (let i = 0; i < 19; i++) expect(await fail(target, freshAddress())).toBeNull();
    expect(await checkSignInThrottle({ email: target, address: freshAddress() })).toBeNull();
    expect(await fail(target, freshAddress())).toEqual({ retryAfterSeconds: 60 });
    expect(await checkSignInThrottle({ email: target, address: freshAddress() })).toEqual({ retryAfterSeconds: 60 });

    const blocks = [];
    for (let i = 0; i < 5; i++) {
      advance((await checkSignInThrottle({ email: target, address: freshAddress() }))!.retryAfterSeconds);
      blocks.push((await fail(target, freshAddress()))!.retryAfterSeconds);
    }
    expect(blocks).toEqual([120, 240, 300, 300, 300]);
  });

  it('locks the real user out for minutes, not more, and not at all from an address they signed in from', async () => {
    const home = freshAddress();
    expect((await signIn({ email: admin.email, password: PASSWORD, address: home })).status).toBe(200);

    // An attacker spread over many addresses keeps failing, each time the block ends.
    const travel = freshAddress();
    for (let round = 0; round < 30; round++) {
      const blocked = await checkSignInThrottle({ email: admin.email, address: freshAddress() });
      if (blocked) {
        const atTravel = await signIn({ email: admin.email, password: PASSWORD, address: travel });
        expect(atTravel.status).toBe(429);
        expect(atTravel.retryAfter).toBeLessThanOrEqual(5 * 60);
        expect(throttleMessage(atTravel.retryAfter!)).toMatch(/^Too many attempts\. Try again in [1-5] minutes?\.$/);
        advance(blocked.retryAfterSeconds);
      }
      expect((await signIn({ email: admin.email, password: 'guess', address: freshAddress() })).status).toBe(401);
    }
    expect(await checkSignInThrottle({ email: admin.email, address: freshAddress() })).toEqual({
      retryAfterSeconds: 300,
    });

    // From home the attack does not hold the user; elsewhere, once the block ends, the password works.
    expect((await signIn({ email: admin.email, password: PASSWORD, address: home })).status).toBe(200);
    advance(300);
    expect((await signIn({ email: admin.email, password: PASSWORD, address: travel })).status).toBe(200);
  });

  it('takes the user’s own typos back from the account’s count on success, but not the attacker’s failures', async () => {
    const target = email();
    const mine = freshAddress();
    for (let i = 0; i < 15; i++) await fail(target, freshAddress());
    for (let i = 0; i < 4; i++) await fail(target, mine);
    await recordSignInSuccess({ email: target, address: mine });
    // 15 counted: 4 more from elsewhere stay under 20; the 5th reaches it.
    for (let i = 0; i < 4; i++) expect(await fail(target, freshAddress())).toBeNull();
    expect(await fail(target, freshAddress())).toEqual({ retryAfterSeconds: 60 });
  });
});

describe('per address, across accounts', () => {
  it('blocks an address after 100 failures over any accounts, for 5 minutes and then longer, and no other address', async () => {
    const address = freshAddress();
    for (let i = 0; i < 99; i++) expect(await fail(email(), address)).toBeNull();
    expect(await checkSignInThrottle({ email: email(), address })).toBeNull();
    expect(await fail(email(), address)).toEqual({ retryAfterSeconds: 300 });
    expect(await checkSignInThrottle({ email: email(), address })).toEqual({ retryAfterSeconds: 300 });
    expect(await checkSignInThrottle({ email: email(), address: freshAddress() })).toBeNull();
    advance(300);
    expect(await checkSignInThrottle({ email: email(), address })).toBeNull();
    expect(await fail(email(), address)).toEqual({ retryAfterSeconds: 600 });
  });

  it('forgets the count after the hour', async () => {
    const address = freshAddress();
    for (let i = 0; i < 99; i++) await fail(email(), address);
    advance(60 * 60);
    expect(await fail(email(), address)).toBeNull();
  });
});

describe('unknown and known accounts', () => {
  it('are counted, blocked and answered identically', async () => {
    const unknown = `nobody-${randomUUID()}@example.test`;
    const run = async (target: string, address: string) => {
      const results = [];
      for (let i = 0; i < 7; i++) {
        results.push(await signIn({ email: target, password: 'wrong', address }));
        const blocked = await checkSignInThrottle({ email: target, address });
        if (blocked) advance(blocked.retryAfterSeconds - 30);
      }
      return results;
    };
    const start = now;
    const known = await run(admin.email, freshAddress());
    now = start;
    vi.setSystemTime(now);
    const nobody = await run(unknown, freshAddress());
    expect(nobody).toEqual(known);
    expect(known.map((result) => result.status)).toEqual([401, 401, 401, 401, 401, 429, 429]);
  });
});

describe('throttleMessage', () => {
  it('names whole minutes, rounded up', () => {
    expect(throttleMessage(1)).toBe('Too many attempts. Try again in 1 minute.');
    expect(throttleMessage(60)).toBe('Too many attempts. Try again in 1 minute.');
    expect(throttleMessage(61)).toBe('Too many attempts. Try again in 2 minutes.');
    expect(throttleMessage(900)).toBe('Too many attempts. Try again in 15 minutes.');
  });
});

describe('without the database', () => {
  it('keeps throttling per instance', async () => {
    const target = email();
    const address = freshAddress();
    // Every query on the table fails, as when PostgreSQL is unreachable. Only the owner can rename it.
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    await owner.query('ALTER TABLE rate_limits RENAME TO rate_limits_away');
    try {
      for (let i = 0; i < 4; i++) expect(await fail(target, address)).toBeNull();
      expect(await fail(target, address)).toEqual({ retryAfterSeconds: 60 });
      expect(await checkSignInThrottle({ email: target, address })).toEqual({ retryAfterSeconds: 60 });
      expect(await checkSignInThrottle({ email: target, address: freshAddress() })).toBeNull();
    } finally {
      await owner.query('ALTER TABLE rate_limits_away RENAME TO rate_limits');
      await owner.end();
    }
  });
});
