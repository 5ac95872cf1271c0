import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { deactivateCredential, deleteCredential, activateCredential } from '@/lib/data/credential-commands';
import { organizationWithAdmin } from '../helpers/fixtures';
import { spawnTokenServer, type TokenServerProcess } from '../helpers/token-server-process';

const instances: TokenServerProcess[] = [];
beforeAll(async () => {
  instances.push(...(await Promise.all([spawnTokenServer(), spawnTokenServer()])));
});
afterAll(() => {
  for (const instance of instances) instance.process.kill();
});

describe('revocation across instances on one database', () => {
  it('refuses a deactivated or deleted secret on the next request at every instance', async () => {
    const acme = await organizationWithAdmin('Acme');
    const secret = await acme.secret('ACTIVE');
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: acme.clientId,
      client_secret: secret.value,
    }).toString();
    const tokenFrom = async (url: string) =>
      (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body }))
        .status;
    const [a, b] = instances.map((instance) => instance.url) as [string, string];

    // Both instances have verified (and cached) the secret.
    expect([await tokenFrom(a), await tokenFrom(b), await tokenFrom(a), await tokenFrom(b)]).toEqual([
      200, 200, 200, 200,
    ]);

    // A change made outside the data layer (another service, a DBA) reaches the caches through the trigger alone.
    const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await sql.connect();
    await sql.query(`UPDATE secrets SET status = 'DISABLED' WHERE id = $1`, [secret.id]);
    await sql.end();
    await expect.poll(() => tokenFrom(b), { timeout: 2000, interval: 5 }).toBe(401);
    expect(await tokenFrom(a)).toBe(401);
    await activateCredential({ actor: acme.actor, credentialId: secret.id });
    expect([await tokenFrom(a), await tokenFrom(b)]).toEqual([200, 200]);

    await deactivateCredential({ actor: acme.actor, credentialId: secret.id });
    expect([await tokenFrom(b), await tokenFrom(a)]).toEqual([401, 401]);

    await activateCredential({ actor: acme.actor, credentialId: secret.id });
    expect([await tokenFrom(a), await tokenFrom(b)]).toEqual([200, 200]);

    // Back and forth: every change is seen by both instances on their very next request.
    for (let round = 0; round < 10; round++) {
      await deactivateCredential({ actor: acme.actor, credentialId: secret.id });
      expect([await tokenFrom(b), await tokenFrom(a)]).toEqual([401, 401]);
      await activateCredential({ actor: acme.actor, credentialId: secret.id });
      expect([await tokenFrom(a), await tokenFrom(b)]).toEqual([200, 200]);
    }

    await deactivateCredential({ actor: acme.actor, credentialId: secret.id });
    await deleteCredential({ actor: acme.actor, credentialId: secret.id });
    expect([await tokenFrom(a), await tokenFrom(b)]).toEqual([401, 401]);
  });

  it('returns a change only once a frozen instance has acknowledged it, or once the acknowledgement timeout passed', async () => {
    const acme = await organizationWithAdmin('Frozen');
    const secret = await acme.secret('ACTIVE');
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: acme.clientId,
      client_secret: secret.value,
    }).toString();
    const tokenFrom = async (instance: TokenServerProcess) =>
      (
        await fetch(instance.url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        })
      ).status;
    const [awake, frozen] = instances as [TokenServerProcess, TokenServerProcess];
    expect([await tokenFrom(awake), await tokenFrom(frozen)]).toEqual([200, 200]);
    // The change channel reports an instance that did not answer in time, and only then.
    const unanswered = vi.spyOn(console, 'warn').mockImplementation(() => {});

    try {
      // A stopped process reads no notification: the change must wait for it, though every other instance answered.
      frozen.process.kill('SIGSTOP');
      let returned = false;
      const deactivation = deactivateCredential({ actor: acme.actor, credentialId: secret.id }).finally(() => {
        returned = true;
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(await tokenFrom(awake)).toBe(401);
        expect(returned).toBe(false);
      } finally {
        frozen.process.kill('SIGCONT');
      }
      expect(await deactivation).toMatchObject({ ok: true });
      // It returned on the thawed instance's answer, not on the timeout; and that instance refuses the secret.
      expect(unanswered).not.toHaveBeenCalled();
      expect(await tokenFrom(frozen)).toBe(401);

      // An instance that stays stopped is waited for until the acknowledgement timeout (2 s), then reported.
      await activateCredential({ actor: acme.actor, credentialId: secret.id });
      expect([await tokenFrom(awake), await tokenFrom(frozen)]).toEqual([200, 200]);
      frozen.process.kill('SIGSTOP');
      try {
        const startedAt = performance.now();
        expect(await deactivateCredential({ actor: acme.actor, credentialId: secret.id })).toMatchObject({ ok: true });
        // Timers may fire a few milliseconds early.
        expect(performance.now() - startedAt).toBeGreaterThanOrEqual(1_950);
        expect(unanswered).toHaveBeenCalledWith('secret change: 1 instance(s) did not acknowledge within 2000 ms');
      } finally {
        frozen.process.kill('SIGCONT');
      }
      await expect.poll(() => tokenFrom(frozen), { timeout: 2000, interval: 20 }).toBe(401);
    } finally {
      unanswered.mockRestore();
    }
  });
});
