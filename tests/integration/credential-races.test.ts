// Conflicting changes to one secret fired at the same time: every end state must be one that some
// sequential order of the same calls produces, and the token endpoint must agree with the row.
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { activateCredential, deleteCredential } from '@/lib/data/credential-commands';
import { makeDecoy, rollSecret } from '@/lib/data/secret-commands';
import { recordExpiries } from '@/lib/data/credential-deadlines';
import { organizationWithAdmin, requestToken, resetRateLimits } from '../helpers/fixtures';

const ROUNDS = 50;
type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;
let org: Org;

beforeAll(async () => {
  org = await organizationWithAdmin('Races');
});

async function row(id: string) {
  return prisma.credential.findUniqueOrThrow({
    where: { id },
    select: { status: true, isDecoy: true, replacedById: true, expiresAt: true, activatedAt: true, deactivateAt: true },
  });
}

/**
 * The token endpoint answers 200 exactly when the row says the secret works at the instant it answers. An
 * expiry or deadline that falls while the request is in flight allows either answer: the endpoint reads
 * its own clock, a little after ours.
 */
async function expectEndpointAgrees(id: string, value: string) {
  await resetRateLimits();
  const state = await row(id);
  const worksAt = (now: number) =>
    state.status === 'ACTIVE' &&
    !state.isDecoy &&
    !(state.expiresAt && state.expiresAt.getTime() <= now) &&
    !(state.deactivateAt && state.deactivateAt.getTime() <= now);
  const before = Date.now();
  const status = (await requestToken(org, value)).status;
  const after = Date.now();
  if (worksAt(before) !== worksAt(after)) return;
  expect(status, JSON.stringify(state)).toBe(worksAt(before) ? 200 : 401);
}

describe('conflicting changes fired at once', { timeout: 180_000 }, () => {
  it('roll vs activate: the rolled secret never comes back', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const secret = await org.secret('ACTIVE');
      const [rolled] = await Promise.all([
        rollSecret({ actor: org.actor, credentialId: secret.id, graceSeconds: 0 }),
        activateCredential({ actor: org.actor, credentialId: secret.id }),
      ]);
      // In either order the activation is refused (already active, or rolled) and the roll succeeds.
      expect(rolled.ok).toBe(true);
      const state = await row(secret.id);
      expect({ status: state.status, replaced: state.replacedById !== null }).toEqual({
        status: 'DISABLED',
        replaced: true,
      });
      await expectEndpointAgrees(secret.id, secret.value);
      await prisma.credential.updateMany({
        where: { id: { in: [secret.id, state.replacedById!] } },
        data: { status: 'DELETED' },
      });
    }
  });

  it('make decoy vs activate: a decoy is never active', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const secret = await org.secret('DISABLED');
      const [decoy, activated] = await Promise.all([
        makeDecoy({ actor: org.actor, credentialId: secret.id }),
        activateCredential({ actor: org.actor, credentialId: secret.id }),
      ]);
      expect(decoy.ok !== activated.ok).toBe(true);
      const state = await row(secret.id);
      expect([state.status, state.isDecoy]).toEqual(decoy.ok ? ['DISABLED', true] : ['ACTIVE', false]);
      await expectEndpointAgrees(secret.id, secret.value);
    }
  });

  it('delete vs activate: exactly one wins', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const secret = await org.secret('DISABLED');
      const [deleted, activated] = await Promise.all([
        deleteCredential({ actor: org.actor, credentialId: secret.id }),
        activateCredential({ actor: org.actor, credentialId: secret.id }),
      ]);
      expect(deleted.ok !== activated.ok).toBe(true);
      expect((await row(secret.id)).status).toBe(deleted.ok ? 'DELETED' : 'ACTIVE');
      await expectEndpointAgrees(secret.id, secret.value);
    }
  });

  it('expiry vs activate: a secret is only ever activated before it expires', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const secret = await org.secret('DISABLED');
      // The expiry falls within the few milliseconds the activation takes.
      const expiresAt = new Date(Date.now() + (i % 10) * 2);
      await prisma.credential.update({ where: { id: secret.id }, data: { expiresAt } });
      const [activated] = await Promise.all([
        activateCredential({ actor: org.actor, credentialId: secret.id }),
        recordExpiries(),
      ]);
      const state = await row(secret.id);
      if (activated.ok) {
        expect(state.status).toBe('ACTIVE');
        expect(state.activatedAt!.getTime()).toBeLessThan(expiresAt.getTime());
      } else {
        expect(state.status).toBe('DISABLED');
      }
      await expectEndpointAgrees(secret.id, secret.value);
    }
  });

  it('bulk delete vs single activate: each secret is deleted or active, never both changed', async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const secrets = [await org.secret('DISABLED'), await org.secret('DISABLED'), await org.secret('DISABLED')];
      const target = secrets[1]!;
      const bulk = async () => {
        // What bulkCredentialsAction does: the single command, one secret after the other.
        const results = [];
        for (const { id } of secrets) results.push(await deleteCredential({ actor: org.actor, credentialId: id }));
        return results;
      };
      const [bulkResults, activated] = await Promise.all([
        bulk(),
        activateCredential({ actor: org.actor, credentialId: target.id }),
      ]);
      expect(bulkResults[1]!.ok !== activated.ok).toBe(true);
      expect((await row(target.id)).status).toBe(activated.ok ? 'ACTIVE' : 'DELETED');
      for (const other of [secrets[0]!, secrets[2]!]) expect((await row(other.id)).status).toBe('DELETED');
      for (const secret of secrets) await expectEndpointAgrees(secret.id, secret.value);
      if (activated.ok) await prisma.credential.update({ where: { id: target.id }, data: { status: 'DELETED' } });
    }
  });
});
