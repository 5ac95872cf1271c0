// Keys published at a JWKS URL (a client's public keys, a workload issuer's keys): served while the host that
// publishes them is briefly away, and kept per credential in least-recently-used order.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CompactSign, compactVerify, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MAX_KEY_SETS, findSigningCredential, type AssertionHeader } from '@/lib/oauth/assertion-keys';
import type { ClientCredential } from '@/lib/oauth/client-credentials';
import { RemoteFetchError } from '@/lib/oauth/remote-fetch';
import { RemoteKeySet } from '@/lib/oauth/remote-key-set';

process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
process.env.OAUTH_FETCH_TIMEOUT_MS = '500';

const MINUTE = 60_000;

interface Key {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function newKey(kid: string): Promise<Key> {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), alg: 'ES256', kid } };
}

const sign = (key: Key, text = 'payload') =>
  new CompactSign(new TextEncoder().encode(text))
    .setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .sign(key.privateKey);

/** A JWKS on loopback that counts its fetches and can be stopped (connection refused from then on). */
async function jwksHost(keys: JWK[]) {
  const state = { fetches: 0 };
  const server = http.createServer((_request, response) => {
    state.fetches += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let known: Key;
let unknown: Key;
beforeAll(async () => {
  known = await newKey('published');
  unknown = await newKey('never-published');
});
afterEach(() => {
  vi.useRealTimers();
});

describe('a JWKS whose host goes away', () => {
  it('keeps verifying with the keys it had for up to 24 hours, but never with a kid it lacks', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const host = await jwksHost([known.publicJwk]);
    const keySet = new RemoteKeySet(() => host.url);
    const jws = await sign(known);
    expect((await compactVerify(jws, keySet.resolve)).protectedHeader.kid).toBe('published');
    await host.stop();

    // Past the ten-minute refresh: the refresh fails, the keys held still verify.
    vi.setSystemTime(start + 11 * MINUTE);
    expect((await compactVerify(jws, keySet.resolve)).protectedHeader.kid).toBe('published');
    // After the failure cooldown, a second failed refresh changes nothing.
    vi.setSystemTime(start + 60 * MINUTE);
    expect((await compactVerify(jws, keySet.resolve)).protectedHeader.kid).toBe('published');
    // A kid the held keys lack needs a fetch, which fails.
    await expect(compactVerify(await sign(unknown), keySet.resolve)).rejects.toBeInstanceOf(RemoteFetchError);

    // A day after the last successful fetch, the held keys are no longer used.
    vi.setSystemTime(start + 24 * 60 * MINUTE + MINUTE);
    await expect(compactVerify(jws, keySet.resolve)).rejects.toBeInstanceOf(RemoteFetchError);
  });

  it('fetches again, and uses what it gets, once the host is back', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const host = await jwksHost([known.publicJwk]);
    let url = host.url;
    const keySet = new RemoteKeySet(() => url);
    expect((await compactVerify(await sign(known), keySet.resolve)).protectedHeader.kid).toBe('published');
    await host.stop();

    const back = await jwksHost([unknown.publicJwk]);
    url = back.url;
    vi.setSystemTime(start + 11 * MINUTE);
    expect((await compactVerify(await sign(unknown), keySet.resolve)).protectedHeader.kid).toBe('never-published');
    // The fresh set replaced the held one: a key no longer published is refused.
    await expect(compactVerify(await sign(known), keySet.resolve)).rejects.toThrow();
    expect(back.state.fetches).toBe(1);
    await back.stop();
  });
});

describe('key sets of JWKS URLs held per credential', () => {
  it('drop the least recently used one beyond the limit, not one in use', async () => {
    const host = await jwksHost([known.publicJwk]);
    const credential = (id: string, jwksUrl: string): ClientCredential => ({
      id,
      kind: 'PUBLIC_KEY',
      stopsAt: Number.POSITIVE_INFINITY,
      allowedCidrs: [],
      scopes: ['sdk', 'api'],
      publicJwk: null,
      jwksUrl,
      workloadIssuer: null,
      workloadAudience: null,
      workloadSubject: null,
    });
    const header: AssertionHeader = { alg: 'ES256', kid: known.kid };
    const jws = await sign(known);
    const inUse = credential('in-use', host.url);
    // Other credentials whose JWKS cannot be fetched (a private address): each still takes a place.
    const other = (index: number) => credential(`other-${index}`, `https://10.0.0.1/${index}/jwks.json`);

    expect((await findSigningCredential(jws, header, [inUse])).credential).toBe(inUse);
    expect((await findSigningCredential(jws, header, [other(0)])).credential).toBeNull();
    expect((await findSigningCredential(jws, header, [inUse])).credential).toBe(inUse);
    for (let index = 1; index < MAX_KEY_SETS; index++) await findSigningCredential(jws, header, [other(index)]);

    expect((await findSigningCredential(jws, header, [inUse])).credential).toBe(inUse);
    expect(host.state.fetches).toBe(1);
    await host.stop();
  });
});
