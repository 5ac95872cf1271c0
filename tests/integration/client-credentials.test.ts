// The cache of each client's public keys and trusted workloads (private_key_jwt, token exchange): what it
// keeps, and what makes it read the database again.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { credentialChanges } from '@/lib/db/credential-changes';
import { createPublicKey } from '@/lib/data/public-key-commands';
import { ClientCredentialCache, loadClientCredentials } from '@/lib/oauth/client-credentials';
import { organizationWithAdmin } from '../helpers/fixtures';

/** A cache with small limits whose reads of the database are counted per Client ID. */
function countingCache(limits: { maxEntries: number; maxUnknown: number }) {
  const loads = new Map<string, number>();
  const cache = new ClientCredentialCache({
    ...limits,
    load: (clientId) => {
      loads.set(clientId, (loads.get(clientId) ?? 0) + 1);
      return loadClientCredentials(clientId);
    },
  });
  return { cache, loadsOf: (clientId: string) => loads.get(clientId) ?? 0 };
}

beforeAll(async () => {
  // Nothing is cached until the change channel is connected.
  await vi.waitFor(() => expect(credentialChanges.isListening()).toBe(true), { timeout: 10_000 });
});

describe('the client credential cache', () => {
  it('keeps serving a real client from memory through a flood of made-up Client IDs', async () => {
    const org = await organizationWithAdmin();
    const { cache, loadsOf } = countingCache({ maxEntries: 20, maxUnknown: 5 });
    expect((await cache.get(org.clientId))?.oauthClientId).toBe(org.org.oauthClient!.id);

    for (let i = 0; i < 100; i++) expect(await cache.get(`made-up-${randomUUID()}`)).toBeNull();

    expect((await cache.get(org.clientId))?.clientId).toBe(org.clientId);
    expect(loadsOf(org.clientId)).toBe(1);
  });

  it('remembers a made-up Client ID too, within its own bound', async () => {
    const { cache, loadsOf } = countingCache({ maxEntries: 20, maxUnknown: 5 });
    const madeUp = `made-up-${randomUUID()}`;
    expect(await cache.get(madeUp)).toBeNull();
    expect(await cache.get(madeUp)).toBeNull();
    expect(loadsOf(madeUp)).toBe(1);
  });

  it('knows a client at once when its first credential is added, though it was cached as unknown', async () => {
    const org = await organizationWithAdmin();
    const { cache, loadsOf } = countingCache({ maxEntries: 20, maxUnknown: 5 });
    const clientId = `new-client-${randomUUID()}`;
    expect(await cache.get(clientId)).toBeNull();
    expect(await cache.get(clientId)).toBeNull();
    expect(loadsOf(clientId)).toBe(1);

    // As if the client had been created just now (no notification names a client that has no credential yet).
    await prisma.oAuthClient.update({ where: { id: org.org.oauthClient!.id }, data: { clientId } });
    const key = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const created = await createPublicKey({ actor: org.actor, key });
    if (!created.ok) throw new Error(created.message);

    // The new credential's notification names only the client's row id, which this cache has never seen.
    await vi.waitFor(async () => expect((await cache.get(clientId))?.oauthClientId).toBe(org.org.oauthClient!.id));
  });
});
