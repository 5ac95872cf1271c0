import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
