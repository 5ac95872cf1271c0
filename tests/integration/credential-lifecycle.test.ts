import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { limitMessage } from '@/lib/data/credential-queries';
import { createSecret, rollSecret } from '@/lib/data/secret-commands';
import {
  renameCredential,
  setAllowedCidrs,
  setCredentialExpiry,
  activateCredential,
  deactivateCredential,
} from '@/lib/data/credential-commands';
import { runScheduledDeactivations } from '@/lib/data/credential-deadlines';
import { callersSinceRoll, getUsageSeries, getUsageSummary, listCallers } from '@/lib/data/credential-usage';
import { listCredentialEvents } from '@/lib/data/audit';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { verifyAccessToken } from '@/lib/oauth/verify-access-token';
import { organizationWithAdmin, requestToken } from '../helpers/fixtures';

type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;

/** Timers may fire a millisecond early: wait until the clock has really reached the instant. */
async function sleepUntil(instant: number) {
  while (Date.now() < instant) await new Promise((resolve) => setTimeout(resolve, Math.max(1, instant - Date.now())));
}
let acme: Org;

beforeAll(async () => {
  acme = await organizationWithAdmin('Acme');
});

const token = (org: Org, secret: string, options?: { address?: string; userAgent?: string }) =>
  requestToken(org, secret, options);

describe('names', () => {
  it('gives new secrets a free default name and keeps names unique within the client', async () => {
    const org = await organizationWithAdmin();
    const first = await createSecret({ actor: org.actor });
    const second = await createSecret({ actor: org.actor });
    expect(first.ok && first.secret.name).toBe('Secret 1');
    expect(second.ok && second.secret.name).toBe('Secret 2');
    if (!first.ok || !second.ok) return;

    expect(
      await renameCredential({ actor: org.actor, credentialId: second.secret.id, name: 'Secret 1' }),
    ).toMatchObject({
      ok: false,
      code: 'conflict',
      message: expect.stringContaining('already named'),
    });
    expect(
      await renameCredential({ actor: org.actor, credentialId: first.secret.id, name: 'Production 生产' }),
    ).toEqual({
      ok: true,
      name: 'Production 生产',
    });
    // The freed name can be taken, and another organization may use the same names.
    expect((await renameCredential({ actor: org.actor, credentialId: second.secret.id, name: 'Secret 1' })).ok).toBe(
      true,
    );
    const other = await organizationWithAdmin();
    const theirs = await createSecret({ actor: other.actor });
    expect(theirs.ok && theirs.secret.name).toBe('Secret 1');
    const third = await createSecret({ actor: org.actor });
    expect(third.ok && third.secret.name).toBe('Secret 3');

    const events = await listCredentialEvents({ organizationId: org.org.id, credentialId: first.secret.id });
    expect(events?.map((e) => e.action)).toEqual(['renamed', 'created']);
  });

  it('blocks a viewer and other organizations from renaming', async () => {
    const { id } = await acme.secret('DISABLED');
    const other = await organizationWithAdmin();
    expect(await renameCredential({ actor: other.actor, credentialId: id, name: 'Mine' })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(
      await renameCredential({
        actor: { ...acme.actor, membership: { ...acme.actor.membership!, role: 'VIEWER' } },
        credentialId: id,
        name: 'Mine',
      }),
    ).toMatchObject({ ok: false, code: 'forbidden' });
  });
});

describe('the limit of secrets per client', () => {
  it('holds under 20 simultaneous creates: exactly one of them succeeds from 4', async () => {
    process.env.MAX_SECRETS_PER_CLIENT = '5';
    try {
      const org = await organizationWithAdmin();
      for (let i = 0; i < 4; i++) expect((await createSecret({ actor: org.actor })).ok).toBe(true);
      const results = await Promise.all(Array.from({ length: 20 }, () => createSecret({ actor: org.actor })));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      for (const refused of results.filter((r) => !r.ok))
        expect(refused).toEqual({ ok: false, code: 'conflict', message: limitMessage() });
      expect(await prisma.credential.count({ where: { oauthClient: { organizationId: org.org.id } } })).toBe(5);
    } finally {
      process.env.MAX_SECRETS_PER_CLIENT = '1000';
    }
  });

  it('does not count deleted secrets', async () => {
    process.env.MAX_SECRETS_PER_CLIENT = '2';
    try {
      const org = await organizationWithAdmin();
      await org.secret('DELETED');
      await org.secret('DISABLED');
      expect((await createSecret({ actor: org.actor })).ok).toBe(true);
      expect((await createSecret({ actor: org.actor })).ok).toBe(false);
    } finally {
      process.env.MAX_SECRETS_PER_CLIENT = '1000';
    }
  });
});

describe('expiry', () => {
  it('refuses the secret at the token endpoint from the second it expires, and it cannot be activated again', async () => {
    const secret = await acme.secret('ACTIVE');
    const expiresAt = new Date(Math.ceil((Date.now() + 1500) / 1000) * 1000);
    expect((await setCredentialExpiry({ actor: acme.actor, credentialId: secret.id, expiresAt })).ok).toBe(true);
    expect((await token(acme, secret.value)).status).toBe(200);

    await sleepUntil(expiresAt.getTime() - 250);
    expect((await token(acme, secret.value)).status).toBe(200); // a quarter second before
    await sleepUntil(expiresAt.getTime());
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt.getTime());
    expect((await token(acme, secret.value)).status).toBe(401);

    await deactivateCredential({ actor: acme.actor, credentialId: secret.id });
    expect(await activateCredential({ actor: acme.actor, credentialId: secret.id })).toMatchObject({
      ok: false,
      message: expect.stringContaining('expired'),
    });
  });

  it('blocks an expiry in the past', async () => {
    const secret = await acme.secret('ACTIVE');
    expect(
      await setCredentialExpiry({ actor: acme.actor, credentialId: secret.id, expiresAt: new Date(Date.now() - 1000) }),
    ).toMatchObject({ ok: false, code: 'conflict' });
  });
});

describe('rolling', () => {
  it('creates an active replacement and stops the old secret when the grace period ends', async () => {
    const old = await acme.secret('ACTIVE');
    const rolled = await rollSecret({ actor: acme.actor, credentialId: old.id, graceSeconds: 3600 });
    expect(rolled.ok).toBe(true);
    if (!rolled.ok) return;
    expect(rolled.secret.status).toBe('ACTIVE');
    expect((await token(acme, rolled.plaintext)).status).toBe(200);
    expect((await token(acme, old.value)).status).toBe(200);
    expect(await rollSecret({ actor: acme.actor, credentialId: old.id, graceSeconds: 0 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('already been rolled'),
    });

    const row = await prisma.credential.findUniqueOrThrow({ where: { id: old.id } });
    expect(row.replacedById).toBe(rolled.secret.id);
    expect(Math.abs(row.deactivateAt!.getTime() - Date.now() - 3_600_000)).toBeLessThan(5000);

    // Nothing is due yet; an hour later the scheduler deactivates it and records it as the system.
    expect(await runScheduledDeactivations(new Date())).toBe(0);
    expect(await runScheduledDeactivations(new Date(row.deactivateAt!.getTime() + 1))).toBeGreaterThanOrEqual(1);
    expect((await prisma.credential.findUniqueOrThrow({ where: { id: old.id } })).status).toBe('DISABLED');
    // This test runs the scheduler an hour early, before the deadline the token endpoint itself enforces, so the
    // refusal comes from the scheduler's NOTIFY, which arrives asynchronously.
    await expect.poll(async () => (await token(acme, old.value)).status, { timeout: 2000, interval: 10 }).toBe(401);
    const events = await listCredentialEvents({ organizationId: acme.org.id, credentialId: old.id });
    expect(events?.[0]).toMatchObject({ action: 'deactivated', actorName: 'System', details: { scheduled: true } });
    expect(events?.map((e) => e.action)).toContain('rolled');
    expect((await token(acme, rolled.plaintext)).status).toBe(200);
  });

  it('refuses the old secret at the token endpoint from its deadline, before the scheduler runs', async () => {
    const old = await acme.secret('ACTIVE');
    const rolled = await rollSecret({ actor: acme.actor, credentialId: old.id, graceSeconds: 3600 });
    expect(rolled.ok).toBe(true);
    expect((await token(acme, old.value)).status).toBe(200);
    await prisma.credential.update({ where: { id: old.id }, data: { deactivateAt: new Date(Date.now() + 300) } });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await token(acme, old.value)).status).toBe(401);
  });

  it('with no grace period deactivates the old secret at once', async () => {
    const old = await acme.secret('ACTIVE');
    expect((await rollSecret({ actor: acme.actor, credentialId: old.id, graceSeconds: 0 })).ok).toBe(true);
    expect((await prisma.credential.findUniqueOrThrow({ where: { id: old.id } })).status).toBe('DISABLED');
    expect((await token(acme, old.value)).status).toBe(401);
  });

  it('shows which callers have not moved to the replacement', async () => {
    const old = await acme.secret('ACTIVE');
    expect((await token(acme, old.value, { address: '203.0.113.1', userAgent: 'billing/1' })).status).toBe(200);
    await usageRecorder.flush();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const rolled = await rollSecret({ actor: acme.actor, credentialId: old.id, graceSeconds: 86_400 });
    if (!rolled.ok) throw new Error(rolled.message);
    expect(await callersSinceRoll({ organizationId: acme.org.id, credentialId: old.id })).toBe(0);
    await token(acme, old.value, { address: '203.0.113.2', userAgent: 'reports/3' });
    await token(acme, old.value, { address: '203.0.113.3', userAgent: 'cron' });
    await token(acme, rolled.plaintext, { address: '203.0.113.1', userAgent: 'billing/1' });
    await usageRecorder.flush();
    expect(await callersSinceRoll({ organizationId: acme.org.id, credentialId: old.id })).toBe(2);
  });
});

describe('usage', () => {
  it('counts 1,000 token requests as 1,000, in batches rather than a write per request', async () => {
    const secret = await acme.secret('ACTIVE');
    await usageRecorder.flush();
    const callers = ['10.0.0.1', '10.0.0.2'];
    const results = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => token(acme, secret.value, { address: callers[i % 2]! })),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(await prisma.credentialUsage.count({ where: { credentialId: secret.id } })).toBe(0);
    await usageRecorder.flush();

    const summary = await getUsageSummary({ organizationId: acme.org.id, credentialId: secret.id });
    expect(summary).toMatchObject({ lastHour: 1000, last24Hours: 1000, unexpiredTokens: 1000 });
    const series = await getUsageSeries({ organizationId: acme.org.id, credentialId: secret.id });
    expect(series!.hourly).toHaveLength(24);
    expect(series!.daily).toHaveLength(30);
    expect(series!.hourly.reduce((sum, p) => sum + p.count, 0)).toBe(1000);
    expect(series!.daily.at(-1)!.count).toBe(1000);
    const list = await listCallers({ organizationId: acme.org.id, credentialId: secret.id });
    expect(list!.map((c) => [c.address, c.count]).sort()).toEqual([
      ['10.0.0.1', 500],
      ['10.0.0.2', 500],
    ]);
    const row = await prisma.credential.findUniqueOrThrow({ where: { id: secret.id } });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
    expect(row.lastUsedUserAgent).toBe('sdk/1');
  });

  it('does not show another organization the usage of a secret', async () => {
    const secret = await acme.secret('ACTIVE');
    const other = await organizationWithAdmin();
    expect(await getUsageSummary({ organizationId: other.org.id, credentialId: secret.id })).toBeNull();
    expect(await listCallers({ organizationId: other.org.id, credentialId: secret.id })).toBeNull();
  });
});

describe('allowed addresses', () => {
  it('refuses the secret from elsewhere as invalid_client and records the blocked attempt', async () => {
    const secret = await acme.secret('ACTIVE');
    expect(
      (await setAllowedCidrs({ actor: acme.actor, credentialId: secret.id, cidrs: ['192.0.2.0/24', '2001:db8::/32'] }))
        .ok,
    ).toBe(true);
    expect((await token(acme, secret.value, { address: '192.0.2.44' })).status).toBe(200);
    expect((await token(acme, secret.value, { address: '::ffff:192.0.2.45' })).status).toBe(200);
    expect((await token(acme, secret.value, { address: '2001:db8::9' })).status).toBe(200);
    const blocked = await token(acme, secret.value, { address: '198.51.100.1', userAgent: 'curl/8' });
    expect(blocked.status).toBe(401);
    expect(JSON.parse(blocked.body).error).toBe('invalid_client');
    await usageRecorder.flush();
    const events = await listCredentialEvents({ organizationId: acme.org.id, credentialId: secret.id });
    expect(events?.[0]).toMatchObject({ action: 'blocked_address', address: '198.51.100.1', userAgent: 'curl/8' });

    expect((await setAllowedCidrs({ actor: acme.actor, credentialId: secret.id, cidrs: [] })).ok).toBe(true);
    expect((await token(acme, secret.value, { address: '198.51.100.1' })).status).toBe(200);
  });
});

describe('revoking the tokens a secret already issued', () => {
  it('makes the API refuse them at once, while deactivating alone lets them live out their 30 minutes', async () => {
    const kept = await acme.secret('ACTIVE');
    const revoked = await acme.secret('ACTIVE');
    const keptToken = JSON.parse((await token(acme, kept.value)).body).access_token;
    const revokedToken = JSON.parse((await token(acme, revoked.value)).body).access_token;
    expect(await verifyAccessToken(revokedToken)).not.toBeNull(); // cached as not revoked

    await deactivateCredential({ actor: acme.actor, credentialId: kept.id });
    await deactivateCredential({ actor: acme.actor, credentialId: revoked.id, revokeTokens: true });
    expect(await verifyAccessToken(keptToken)).not.toBeNull();
    expect(await verifyAccessToken(revokedToken)).toBeNull();

    // Reactivated, the secret's new tokens work again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await activateCredential({ actor: acme.actor, credentialId: revoked.id });
    const fresh = JSON.parse((await token(acme, revoked.value)).body).access_token;
    expect(await verifyAccessToken(fresh)).not.toBeNull();
  });
});
