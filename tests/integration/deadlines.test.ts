// Every deadline of a secret, checked at exactly its instant with the clock passed in: one millisecond before
// it the secret still works (or the job leaves it alone), at the instant it no longer does. Sleeping until a
// deadline lands a few milliseconds after it, where `>` and `>=` agree.
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { rollSecret } from '@/lib/data/secret-commands';
import { setCredentialExpiry } from '@/lib/data/credential-commands';
import { preconditionFilter } from '@/lib/data/credential-change';
import { listCredentialEvents } from '@/lib/data/audit';
import { recordExpiries, runScheduledDeactivations } from '@/lib/data/credential-deadlines';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { organizationWithAdmin } from '../helpers/fixtures';

const ADDRESS = '198.51.100.7';
const HOUR = 3_600_000;

let acme: Awaited<ReturnType<typeof organizationWithAdmin>>;

beforeAll(async () => {
  acme = await organizationWithAdmin('Deadlines');
});

/** Whether the token endpoint's check accepts the secret at the instant `at` (epoch ms). */
async function authenticatesAt(value: string, at: number) {
  return (await secretVerifier.verify(acme.clientId, value, ADDRESS, at)).ok;
}

const row = (id: string) => prisma.credential.findUniqueOrThrow({ where: { id } });
/** Sets the secret's expiry as its admin, at the instant `now` (default: the real now). */
const setExpiry = (credentialId: string, expiresAt: Date, now?: Date) =>
  setCredentialExpiry({ actor: acme.actor, credentialId, expiresAt, now });

describe("a secret's expiry", () => {
  it('can be set for any instant after now, not for now itself', async () => {
    const secret = await acme.secret('ACTIVE');
    const at = new Date(Date.now() + HOUR);
    expect(await setExpiry(secret.id, at, at)).toEqual({
      ok: false,
      code: 'conflict',
      message: 'Choose an expiry in the future.',
    });
    expect((await row(secret.id)).expiresAt).toBeNull();
    expect(await setExpiry(secret.id, at, new Date(at.getTime() - 1))).toEqual({ ok: true, expiresAt: at });
  });

  it('authenticates until the millisecond before, and is expired from the instant itself', async () => {
    const secret = await acme.secret('ACTIVE');
    const expiresAt = new Date(Date.now() + HOUR);
    expect((await setExpiry(secret.id, expiresAt)).ok).toBe(true);
    const instant = expiresAt.getTime();

    expect(await authenticatesAt(secret.value, instant - 1)).toBe(true);
    expect(await authenticatesAt(secret.value, instant)).toBe(false);

    // The condition every change that needs an unexpired secret writes into its UPDATE.
    const unexpired = (at: number) =>
      prisma.credential.count({ where: { id: secret.id, ...preconditionFilter(['notExpired'], new Date(at)) } });
    expect(await unexpired(instant - 1)).toBe(1);
    expect(await unexpired(instant)).toBe(0);

    // The scheduler records the expiry (shown in the history) from the instant, not before.
    await recordExpiries(new Date(instant - 1));
    expect((await row(secret.id)).expiryRecordedAt).toBeNull();
    await recordExpiries(new Date(instant));
    expect((await row(secret.id)).expiryRecordedAt).toEqual(expiresAt);
    const events = await listCredentialEvents({ organizationId: acme.org.id, credentialId: secret.id });
    expect(events?.[0]).toMatchObject({ action: 'expired', actorName: 'System', createdAt: expiresAt });

    // An expired secret's expiry can no longer be moved; a millisecond earlier it could.
    const later = new Date(instant + HOUR);
    expect(await setExpiry(secret.id, later, expiresAt)).toEqual({
      ok: false,
      code: 'conflict',
      message: 'This secret has already expired. Create a new secret instead.',
    });
    expect((await row(secret.id)).expiresAt).toEqual(expiresAt);
    expect(await setExpiry(secret.id, later, new Date(instant - 1))).toEqual({ ok: true, expiresAt: later });
  });
});

describe("the end of a roll's grace period", () => {
  it('stops the old secret at its instant: the token endpoint from then, the scheduler deactivates it then', async () => {
    const old = await acme.secret('ACTIVE');
    const rolled = await rollSecret({ actor: acme.actor, credentialId: old.id, graceSeconds: 3600 });
    if (!rolled.ok) throw new Error(rolled.message);
    const deadline = rolled.deactivateAt.getTime();
    expect((await row(old.id)).deactivateAt).toEqual(rolled.deactivateAt);

    expect(await authenticatesAt(old.value, deadline - 1)).toBe(true);
    expect(await authenticatesAt(old.value, deadline)).toBe(false);
    expect(await authenticatesAt(rolled.plaintext, deadline)).toBe(true);

    await runScheduledDeactivations(new Date(deadline - 1));
    expect((await row(old.id)).status).toBe('ACTIVE');
    await runScheduledDeactivations(new Date(deadline));
    expect(await row(old.id)).toMatchObject({ status: 'DISABLED', deactivatedAt: rolled.deactivateAt });
    const events = await listCredentialEvents({ organizationId: acme.org.id, credentialId: old.id });
    expect(events?.[0]).toMatchObject({
      action: 'deactivated',
      actorName: 'System',
      details: { scheduled: true },
      createdAt: rolled.deactivateAt,
    });
    expect((await row(rolled.secret.id)).status).toBe('ACTIVE');
  });
});
