// Tenants' test clocks: every time-based rule about a tenant's credentials judged at its clock, exactly at the
// boundary before and after a move; the events a move queues, in time order; two instances that agree as soon
// as the move returns; organizations without a clock; and tenants that delete themselves.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { env } from '@/lib/env';
import { createTenant, type Tenant } from '@/lib/data/tenants';
import { advanceTenantClock, readTenantClock } from '@/lib/data/tenant-clocks';
import { getActorByUserId } from '@/lib/data/users';
import { listCredentials } from '@/lib/data/credential-queries';
import { activateCredential, deactivateCredential, setCredentialExpiry } from '@/lib/data/credential-commands';
import { createSecret, rollSecret } from '@/lib/data/secret-commands';
import { recordExpiries, runScheduledDeactivations } from '@/lib/data/credential-deadlines';
import { recordExpiringEvents } from '@/lib/data/events';
import { deleteExpiredTenants } from '@/lib/jobs/tenant-expiry';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { toCredentialRow } from '@/components/credentials/credential-row';
import type { Actor } from '@/lib/identity/actor';
import { organizationWithAdmin } from '../helpers/fixtures';
import { spawnTokenServer } from '../helpers/token-server-process';

const DAY = 86_400_000;

async function tenant(options: { testClock?: boolean; ttlMinutes?: number } = { testClock: true }) {
  const result = await createTenant({ name: `Suite ${randomUUID().slice(0, 8)}`, ...options });
  if (!result.ok) throw new Error(result.message);
  const user = await prisma.user.findUniqueOrThrow({ where: { email: result.tenant.admin.email } });
  const actor = (await getActorByUserId({ userId: user.id })) as Actor;
  return { ...result.tenant, actor };
}

async function clockOf(t: Tenant): Promise<number> {
  const clock = await readTenantClock({ organizationId: t.organizationId });
  if (!clock.ok) throw new Error(clock.message);
  return clock.now.getTime();
}

async function moveTo(t: Tenant, at: number) {
  const result = await advanceTenantClock({ organizationId: t.organizationId, to: new Date(at).toISOString() });
  if (!result.ok) throw new Error(result.message);
  expect(result.now.getTime()).toBe(at);
}

/** An active secret of the tenant expiring at `expiresAt`, with its plaintext. */
async function activeSecret(actor: Actor, expiresAt: number | null = null) {
  const created = await createSecret({ actor });
  if (!created.ok) throw new Error(created.message);
  expect((await activateCredential({ actor, credentialId: created.secret.id })).ok).toBe(true);
  if (expiresAt !== null) {
    const set = await setCredentialExpiry({ actor, credentialId: created.secret.id, expiresAt: new Date(expiresAt) });
    if (!set.ok) throw new Error(set.message);
  }
  return { id: created.secret.id, value: created.plaintext };
}

const verify = (t: Tenant, value: string) => secretVerifier.verify(t.clientId, value, '127.0.0.1');

async function rowOf(t: Tenant, credentialId: string) {
  const clock = await readTenantClock({ organizationId: t.organizationId });
  const item = (await listCredentials({ organizationId: t.organizationId })).find((c) => c.id === credentialId)!;
  return toCredentialRow(item, Date.now(), clock.ok ? clock.now : null);
}

describe('a tenant with a test clock', () => {
  it('is frozen at creation and returned with the tenant; moves forward by a duration or to an instant', async () => {
    const before = Date.now();
    const t = await tenant();
    expect(t.testClock).not.toBeNull();
    const created = Date.parse(t.testClock!.now);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(Date.now());
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await clockOf(t)).toBe(created);

    const moved = await advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P1DT2H' });
    expect(moved).toEqual({ ok: true, now: new Date(created + DAY + 2 * 3_600_000) });
    await moveTo(t, created + 3 * DAY);
    // To the same instant: nothing moves, nothing is refused.
    await moveTo(t, created + 3 * DAY);
  });

  it('adds two moves made at the same moment one after the other, never one over the other', async () => {
    const t = await tenant();
    const start = await clockOf(t);
    const moves = await Promise.all([
      advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P1D' }),
      advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P1D' }),
    ]);
    expect(moves.map((move) => (move.ok ? move.now.getTime() - start : 0)).sort((a, b) => a - b)).toEqual([
      DAY,
      2 * DAY,
    ]);
    expect(await clockOf(t)).toBe(start + 2 * DAY);
  });

  it("moves more tenants' clocks at once than the pool has connections, each with its stops, and none waits out", async () => {
    // Each move holds its lock while its stops run queries: were the lock held on a pooled connection, as many
    // moves as the pool's size would hold every connection and wait for one for their own work.
    const tenants = await Promise.all(Array.from({ length: env.DB_POOL_SIZE + 2 }, () => tenant()));
    await Promise.all(tenants.map(async (t) => activeSecret(t.actor, (await clockOf(t)) + DAY)));
    const moves = await Promise.all(
      tenants.map((t) => advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P2D' })),
    );
    expect(moves.map((move) => move.ok)).toEqual(tenants.map(() => true));
    for (const t of tenants) {
      const expired = await prisma.auditEvent.count({ where: { organizationId: t.organizationId, action: 'expired' } });
      expect(expired).toBe(1);
    }
  });

  it('refuses to move back, a malformed move, and leaves the clock where it was', async () => {
    const t = await tenant();
    const at = await clockOf(t);
    const refused = [
      { to: new Date(at - 1).toISOString() },
      { advanceBy: '-P1D' },
      { advanceBy: 'P1M' },
      { advanceBy: '30d' },
      { advanceBy: 30 },
      { to: '2030-01-01T00:00:00' },
      { to: 'tomorrow' },
      {},
      { advanceBy: 'P1D', to: new Date(at + DAY).toISOString() },
      { advanceBy: 'P4000D' },
    ];
    for (const move of refused) {
      const result = await advanceTenantClock({ organizationId: t.organizationId, ...move });
      expect(result, JSON.stringify(move)).toMatchObject({ ok: false, code: 'invalid_input' });
    }
    const back = await advanceTenantClock({ organizationId: t.organizationId, to: new Date(at - 1).toISOString() });
    expect(back).toMatchObject({ message: expect.stringContaining('only moves forward'), field: 'to' });
    expect(await clockOf(t)).toBe(at);
  });

  it('judges expiry at its clock: the token endpoint, the status, the banner and the menu, exactly at the instant', async () => {
    const t = await tenant();
    const start = await clockOf(t);
    const expiresAt = start + 20 * DAY;
    const secret = await activeSecret(t.actor, expiresAt);

    // Real time passing changes nothing: the clock is frozen.
    expect(await recordExpiries(new Date(expiresAt + DAY), t.organizationId)).toBe(0);
    expect(await verify(t, secret.value)).toMatchObject({ ok: true });

    await moveTo(t, expiresAt - 14 * DAY - 1);
    expect((await rowOf(t, secret.id)).expiresSoon).toBe(false);
    await moveTo(t, expiresAt - 14 * DAY);
    expect((await rowOf(t, secret.id)).expiresSoon).toBe(true);

    await moveTo(t, expiresAt - 1);
    expect(await verify(t, secret.value)).toMatchObject({ ok: true });
    expect((await rowOf(t, secret.id)).displayStatus).toBe('ACTIVE');
    // An expiry a millisecond after the clock is still in the future; at the clock it is not.
    expect(
      (await setCredentialExpiry({ actor: t.actor, credentialId: secret.id, expiresAt: new Date(expiresAt - 1) })).ok,
    ).toBe(false);
    expect(
      (await setCredentialExpiry({ actor: t.actor, credentialId: secret.id, expiresAt: new Date(expiresAt) })).ok,
    ).toBe(true);

    await moveTo(t, expiresAt);
    expect(await verify(t, secret.value)).toEqual({ ok: false, reason: 'credential_expired', credentialId: secret.id });
    const row = await rowOf(t, secret.id);
    expect(row.displayStatus).toBe('EXPIRED');
    expect(row.expiresSoon).toBe(false);
    // Expired on the tenant's clock, though not in real time: it can no longer be activated again.
    expect(expiresAt).toBeGreaterThan(Date.now());
    await deactivateCredential({ actor: t.actor, credentialId: secret.id });
    expect(await activateCredential({ actor: t.actor, credentialId: secret.id })).toMatchObject({
      ok: false,
      message: expect.stringContaining('expired'),
    });
    // The move recorded the expiry (by the system, dated at the expiry), as the leader does on real time.
    const expired = await prisma.auditEvent.findFirstOrThrow({ where: { credentialId: secret.id, action: 'expired' } });
    expect(expired.createdAt.getTime()).toBe(expiresAt);
  });

  it("ends a roll's grace period at its clock", async () => {
    const t = await tenant();
    const start = await clockOf(t);
    const old = await activeSecret(t.actor);
    const rolled = await rollSecret({ actor: t.actor, credentialId: old.id, graceSeconds: 3600 });
    if (!rolled.ok) throw new Error(rolled.message);
    expect(rolled.deactivateAt.getTime()).toBe(start + 3_600_000);

    await moveTo(t, start + 3_600_000 - 1);
    expect(await verify(t, old.value)).toMatchObject({ ok: true });
    expect(await runScheduledDeactivations(new Date(), t.organizationId)).toBe(0);
    await moveTo(t, start + 3_600_000);
    expect(await verify(t, old.value)).toEqual({ ok: false, reason: 'credential_rolled_out', credentialId: old.id });
    expect(await verify(t, rolled.plaintext)).toMatchObject({ ok: true });
    // Deactivated by the move itself, at the grace end.
    const row = await prisma.credential.findUniqueOrThrow({ where: { id: old.id } });
    expect(row).toMatchObject({ status: 'DISABLED', deactivatedAt: new Date(start + 3_600_000) });
  });

  it('queues the expiring and expired events of one long move in time order, each dated at its instant', async () => {
    const t = await tenant();
    const start = await clockOf(t);
    const early = await activeSecret(t.actor, start + 10 * DAY);
    const late = await activeSecret(t.actor, start + 20 * DAY);
    // Created with 10 days left: the 14-day notice, on the leader's next look.
    await recordExpiringEvents({ organizationId: t.organizationId });
    const before = new Date();

    const moved = await advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P30D' });
    expect(moved.ok).toBe(true);
    const events = await prisma.event.findMany({
      where: { organizationId: t.organizationId, type: { in: ['credential.expiring', 'credential.expired'] } },
      orderBy: { createdAt: 'asc' },
    });
    const seen = events.map((event) => {
      const data = event.data as { days?: number; credential: { id: string; status: string } };
      const which = data.credential.id === early.id ? 'early' : data.credential.id === late.id ? 'late' : '?';
      return [event.createdAt.getTime() - start, which, event.type, data.days ?? null, data.credential.status];
    });
    const at = (days: number) => days * DAY;
    expect(seen).toEqual([
      // Found before the move at the clock's reading: dated then.
      [0, 'early', 'credential.expiring', 14, 'active'],
      [at(3), 'early', 'credential.expiring', 7, 'active'],
      [at(6), 'late', 'credential.expiring', 14, 'active'],
      [at(9), 'early', 'credential.expiring', 1, 'active'],
      [at(10), 'early', 'credential.expired', null, 'expired'],
      [at(13), 'late', 'credential.expiring', 7, 'active'],
      [at(19), 'late', 'credential.expiring', 1, 'active'],
      [at(20), 'late', 'credential.expired', null, 'expired'],
    ]);
    // Queued (not yet dispatched) when the call returned, and written during it.
    expect(events.every((event) => event.createdAt >= before || event.createdAt.getTime() === start)).toBe(true);
    // Moving again past them writes none twice.
    await advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P1D' });
    expect(
      await prisma.event.count({
        where: { organizationId: t.organizationId, type: { in: ['credential.expiring', 'credential.expired'] } },
      }),
    ).toBe(events.length);
  });

  it("leaves other organizations on real time: their credentials' events and expiries do not follow it", async () => {
    const t = await tenant();
    const customer = await organizationWithAdmin();
    const theirs = await activeSecret(customer.actor, Date.now() + 10 * DAY);
    await advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P30D' });
    expect(await secretVerifier.verify(customer.clientId, theirs.value, '127.0.0.1')).toMatchObject({ ok: true });
    expect(await prisma.event.count({ where: { organizationId: customer.org.id, type: 'credential.expired' } })).toBe(
      0,
    );
  });
});

describe('organizations without a test clock', () => {
  it("refuse reading or moving one: a customer's (409), a tenant made without (409), an unknown id (404)", async () => {
    const customer = await organizationWithAdmin();
    const plain = await tenant({});
    expect(plain.testClock).toBeNull();
    for (const organizationId of [customer.org.id, plain.organizationId]) {
      expect(await readTenantClock({ organizationId })).toMatchObject({ ok: false, code: 'conflict' });
      expect(await advanceTenantClock({ organizationId, advanceBy: 'P1D' })).toMatchObject({
        ok: false,
        code: 'conflict',
      });
    }
    expect(await readTenantClock({ organizationId: randomUUID() })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await readTenantClock({ organizationId: 'nope' })).toMatchObject({ ok: false, code: 'invalid_input' });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: customer.org.id } })).testClockAt).toBeNull();
  });

  it('cannot be given a clock or a deletion time in the database: only tenants may have them', async () => {
    const customer = await organizationWithAdmin();
    await expect(
      prisma.organization.update({ where: { id: customer.org.id }, data: { testClockAt: new Date() } }),
    ).rejects.toThrow(/organizations_test_clock_tenant_only/);
    await expect(
      prisma.organization.update({ where: { id: customer.org.id }, data: { deleteAt: new Date() } }),
    ).rejects.toThrow(/organizations_delete_at_tenant_only/);
  });
});

describe('tenants that delete themselves', () => {
  it('are deleted by the job once their minutes are up, exactly then, and no other organization is', async () => {
    const short = await tenant({ ttlMinutes: 1 });
    const long = await tenant({ ttlMinutes: 60 });
    const usual = await tenant({});
    const customer = await organizationWithAdmin();
    await activeSecret(short.actor);
    const deleteAt = Date.parse(short.deleteAt);
    expect(Date.parse(long.deleteAt) - deleteAt).toBeGreaterThanOrEqual(59 * 60_000);
    expect(Date.parse(long.deleteAt) - deleteAt).toBeLessThan(60 * 60_000);
    expect(Date.parse(usual.deleteAt) - deleteAt).toBeGreaterThanOrEqual(1439 * 60_000);
    const alive = async () =>
      (
        await prisma.organization.findMany({
          where: { id: { in: [short.organizationId, long.organizationId, usual.organizationId, customer.org.id] } },
          select: { id: true },
        })
      ).map((row) => row.id);

    expect(await deleteExpiredTenants(new Date(deleteAt - 1))).toBe(0);
    expect(await alive()).toHaveLength(4);
    expect(await deleteExpiredTenants(new Date(deleteAt))).toBe(1);
    expect(await alive()).not.toContain(short.organizationId);
    expect(await alive()).toHaveLength(3);
    // A year on, every tenant is gone; the customer stays.
    await deleteExpiredTenants(new Date(Date.now() + 365 * DAY));
    expect(await alive()).toEqual([customer.org.id]);
  });

  it('take 1 to 1440 minutes, 1440 by default', async () => {
    for (const ttlMinutes of [0, 1441, 1.5, -1, Number.NaN, '60' as unknown as number]) {
      const result = await createTenant({ name: 'Suite TTL', ttlMinutes });
      expect(result, String(ttlMinutes)).toMatchObject({ ok: false, code: 'invalid_input', field: 'ttlMinutes' });
    }
    expect(await prisma.organization.count({ where: { name: 'Suite TTL' } })).toBe(0);
    const made = await tenant({});
    const row = await prisma.organization.findUniqueOrThrow({ where: { id: made.organizationId } });
    expect(row.deleteAt!.getTime() - row.createdAt.getTime()).toBeGreaterThanOrEqual(1440 * 60_000 - 1000);
    expect(row.deleteAt!.getTime() - row.createdAt.getTime()).toBeLessThanOrEqual(1440 * 60_000 + 1000);
  });
});

describe('two instances', () => {
  it('both refuse an expired credential as soon as the move returns, which waits for a frozen instance', async () => {
    const [a, b] = await Promise.all([spawnTokenServer(), spawnTokenServer()]);
    try {
      const t = await tenant();
      const start = await clockOf(t);
      const secret = await activeSecret(t.actor, start + DAY);
      const ask = (base: string) =>
        fetch(`${base}/api/oauth/token`, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `Basic ${Buffer.from(`${t.clientId}:${secret.value}`).toString('base64')}`,
          },
          body: 'grant_type=client_credentials',
        });
      // Both have cached the secret, with the clock they read.
      for (let round = 0; round < 2; round++)
        expect([(await ask(a.base)).status, (await ask(b.base)).status]).toEqual([200, 200]);
      const issued = await (await ask(a.base)).json();
      const claims = JSON.parse(Buffer.from(issued.access_token.split('.')[1], 'base64url').toString());
      // Access tokens keep real time: resource servers check it.
      expect(Math.abs(claims.iat * 1000 - Date.now())).toBeLessThan(10_000);

      b.process.kill('SIGSTOP');
      let returned = false;
      const move = advanceTenantClock({ organizationId: t.organizationId, advanceBy: 'P1D' }).finally(() => {
        returned = true;
      });
      try {
        await expect.poll(async () => (await clockOf(t)) === start + DAY, { interval: 20 }).toBe(true);
        // Written, but b has not acknowledged: the move has not answered yet.
        await new Promise((resolve) => setTimeout(resolve, 400));
        expect(returned).toBe(false);
      } finally {
        b.process.kill('SIGCONT');
      }
      expect((await move).ok).toBe(true);
      const answers = await Promise.all([ask(b.base), ask(a.base)]);
      expect(answers.map((response) => response.status)).toEqual([401, 401]);
      for (const response of answers) expect(await response.json()).toMatchObject({ error: 'invalid_client' });
    } finally {
      a.process.kill();
      b.process.kill();
    }
  });
});
