// private_key_jwt at the token endpoint (RFC 7523 §2.2 and §3, OpenID Connect Core §9): each rule allowed
// once and blocked once, with keys pasted as JWKs or published at a JWKS URL served on loopback.
import { createHash, createPublicKey, createSign, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  SignJWT,
  calculateJwkThumbprint,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  type CryptoKey as JoseCryptoKey,
  type JWK,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { credentialChanges } from '@/lib/db/credential-changes';
import { deactivateCredential, deleteCredential } from '@/lib/data/credential-commands';
import { listCredentialEvents } from '@/lib/data/credential-usage';
import { pruneExpiredAssertionJtis } from '@/lib/jobs/assertion-jti-jobs';
import { handleIntrospectionRequest } from '@/lib/oauth/introspection-endpoint';
import { handleRevocationRequest } from '@/lib/oauth/revocation-endpoint';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { JWT_BEARER_ASSERTION } from '@/lib/oauth/token-request';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { GET as getMetadata } from '@/app/.well-known/oauth-authorization-server/route';
import { organizationWithAdmin } from '../helpers/fixtures';
import { spawnTokenServer, type TokenServerProcess } from '../helpers/token-server-process';

// JWKS URLs of these tests are served on loopback over http; a JWKS that does not answer is given up quickly.
process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
process.env.OAUTH_FETCH_TIMEOUT_MS = '500';

const FORM = 'application/x-www-form-urlencoded';
const TOKEN_ENDPOINT = 'http://auth.test/api/oauth/token';
const ISSUER = 'http://auth.test';

type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;
type Alg = 'ES256' | 'EdDSA' | 'RS256';
interface TestKey {
  alg: string;
  kid: string;
  privateKey: JoseCryptoKey;
  publicJwk: JWK & { alg: string; kid: string };
}

async function newKey(alg: Alg, kid?: string): Promise<TestKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const id = kid ?? (await calculateJwkThumbprint(jwk));
  return { alg, kid: id, privateKey, publicJwk: { ...jwk, alg, kid: id } };
}

/** A PUBLIC_KEY credential inserted as the portal stores it; returns once every instance has heard of it. */
async function addKey(
  org: Org,
  fields: {
    publicJwk?: Record<string, unknown>;
    jwksUrl?: string;
    scopes?: string[];
    allowedCidrs?: string[];
    expiresAt?: Date;
  },
): Promise<string> {
  const hash = createHash('sha256').update(randomBytes(32)).digest('hex');
  const kid = typeof fields.publicJwk?.kid === 'string' ? fields.publicJwk.kid : 'JWKS URL';
  const row = await credentialChanges.change(
    hash,
    () =>
      prisma.credential.create({
        data: {
          oauthClientId: org.org.oauthClient!.id,
          kind: 'PUBLIC_KEY',
          status: 'ACTIVE',
          activatedAt: new Date(),
          secretHash: hash,
          preview: `${fields.publicJwk?.alg ?? 'JWKS'} · kid ${kid.slice(0, 8)}`,
          name: `Key ${randomUUID().slice(0, 8)}`,
          publicJwk: fields.publicJwk as object | undefined,
          jwksUrl: fields.jwksUrl,
          scopes: fields.scopes,
          allowedCidrs: fields.allowedCidrs,
          expiresAt: fields.expiresAt,
        },
      }),
    () => true,
  );
  return row.id;
}

/** A client assertion for `org`, valid unless `claims` or `header` say otherwise (undefined removes a claim). */
function assertion(
  org: Org,
  key: Pick<TestKey, 'alg' | 'kid' | 'privateKey'>,
  claims: Record<string, unknown> = {},
  header: Record<string, unknown> = {},
): Promise<string> {
  return new SignJWT(claimsFor(org, claims))
    .setProtectedHeader({ alg: key.alg, kid: key.kid, ...header })
    .sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Builds and signs a JWS by hand: for what jose refuses to produce (RSA under 2048 bits). */
function rawJws(header: object, payload: object, sign: (input: string) => string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign(input)}`;
}

function claimsFor(org: Org, extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: org.clientId,
    sub: org.clientId,
    aud: TOKEN_ENDPOINT,
    jti: randomUUID(),
    iat: now,
    exp: now + 60,
    ...extra,
  };
}

// Every request comes from its own address, so that the per-address failure limit is not what refuses it.
let addresses = 0;
const nextAddress = () => {
  addresses += 1;
  return `198.18.${addresses >> 8}.${addresses & 255}`;
};

async function token(jwt: string, params: Record<string, string> = {}, address = nextAddress()) {
  const response = await handleTokenRequest({
    contentType: FORM,
    authorization: null,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: jwt,
      ...params,
    }).toString(),
    address,
    userAgent: 'assertion-test/1',
  });
  return { status: response.status, headers: response.headers, body: JSON.parse(response.body) };
}

async function expectRefused(jwt: string, params: Record<string, string> = {}) {
  const response = await token(jwt, params);
  expect(response).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
  expect(response.headers['WWW-Authenticate']).toBe('Basic realm="token"');
  return response;
}

/** A JWKS document served on loopback; `keys` may be changed between requests. */
async function jwksServer() {
  const state = { keys: [] as object[], fetches: 0 };
  const server = http.createServer((req, res) => {
    state.fetches += 1;
    // A host that accepts the connection and never answers.
    if (req.url === '/silent') return;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: state.keys }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    state,
    url: `${base}/jwks.json`,
    silentUrl: `${base}/silent`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let jwks: Awaited<ReturnType<typeof jwksServer>>;
beforeAll(async () => {
  jwks = await jwksServer();
});
afterAll(async () => {
  await jwks.close();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('allows a valid assertion', () => {
  it('signed with a pasted ES256, EdDSA or RS256 (2048-bit) key: a token for the client and the key', async () => {
    const org = await organizationWithAdmin();
    for (const alg of ['ES256', 'EdDSA', 'RS256'] as const) {
      const key = await newKey(alg);
      const keyId = await addKey(org, { publicJwk: key.publicJwk });
      const response = await token(await assertion(org, key));
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 1800, scope: 'sdk api' });
      expect(decodeJwt(response.body.access_token)).toMatchObject({
        sub: org.clientId,
        client_id: org.clientId,
        secret_id: keyId,
      });
    }
  });

  it('with aud = the token_endpoint the metadata advertises, or the issuer, alone or among others', async () => {
    const metadata = await (await getMetadata()).json();
    expect(metadata.token_endpoint).toBe(TOKEN_ENDPOINT);
    expect(metadata.issuer).toBe(ISSUER);
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk });
    for (const aud of [metadata.token_endpoint, metadata.issuer, ['https://elsewhere.example', ISSUER]])
      expect((await token(await assertion(org, key, { aud }))).status).toBe(200);
    // client_id may be sent too, when it names the same client.
    expect((await token(await assertion(org, key), { client_id: org.clientId })).status).toBe(200);
  });

  it('without kid: each of the client active keys is tried', async () => {
    const org = await organizationWithAdmin();
    const first = await newKey('ES256');
    const second = await newKey('ES256');
    await addKey(org, { publicJwk: first.publicJwk });
    const secondId = await addKey(org, { publicJwk: second.publicJwk });
    const response = await token(await assertion(org, second, {}, { kid: undefined }));
    expect(response.status).toBe(200);
    expect(decodeJwt(response.body.access_token).secret_id).toBe(secondId);
    // With a kid, only that key is tried: the second key's signature under the first key's kid fails.
    await expectRefused(await assertion(org, second, {}, { kid: first.kid }));
  });

  it('signed with a key from the client JWKS URL, picked by kid or tried in turn without one', async () => {
    const org = await organizationWithAdmin();
    const [a, b] = [await newKey('ES256'), await newKey('EdDSA')];
    jwks.state.keys = [a.publicJwk, b.publicJwk];
    const keyId = await addKey(org, { jwksUrl: jwks.url });
    for (const key of [a, b]) {
      const response = await token(await assertion(org, key));
      expect(response.status).toBe(200);
      expect(decodeJwt(response.body.access_token).secret_id).toBe(keyId);
    }
    const c = await newKey('ES256');
    jwks.state.keys = [a.publicJwk, c.publicJwk];
    expect((await token(await assertion(org, a, {}, { kid: undefined }))).status).toBe(200);
  });

  it('picks up a key rotated on the JWKS URL when an assertion names its unknown kid', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const org = await organizationWithAdmin();
    const old = await newKey('ES256', 'key-2026-01');
    const rotated = await newKey('ES256', 'key-2026-02');
    jwks.state.keys = [old.publicJwk];
    await addKey(org, { jwksUrl: jwks.url });
    expect((await token(await assertion(org, old))).status).toBe(200);
    const fetches = jwks.state.fetches;

    jwks.state.keys = [rotated.publicJwk];
    // Within 10 s of the last fetch an unknown kid costs no fetch (a flood of made-up kids cannot hammer the
    // customer's server): the cached keys lack it.
    await expectRefused(await assertion(org, rotated));
    expect(jwks.state.fetches).toBe(fetches);

    vi.setSystemTime(Date.now() + 11_000);
    expect((await token(await assertion(org, rotated))).status).toBe(200);
    expect(jwks.state.fetches).toBe(fetches + 1);
    // The retired key is gone with the old document.
    await expectRefused(await assertion(org, old));
  });
});

describe('blocks an assertion whose claims break a rule', () => {
  let org: Org;
  let key: TestKey;
  beforeAll(async () => {
    org = await organizationWithAdmin();
    key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk });
  });

  it('wrong aud', async () => {
    for (const aud of ['https://evil.example/api/oauth/token', `${TOKEN_ENDPOINT}/`, 'http://api.test/api/v1'])
      await expectRefused(await assertion(org, key, { aud }));
    await expectRefused(await assertion(org, key, { aud: undefined }));
  });

  it('expired (beyond 30 s of skew), and allowed within the skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await assertion(org, key, { iat: now - 120, exp: now - 31 }));
    expect((await token(await assertion(org, key, { iat: now - 120, exp: now - 20 }))).status).toBe(200);
  });

  it('exp more than five minutes ahead, or missing', async () => {
    // One clock for the test and the endpoint: a second boundary passing between them would move the limit.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await assertion(org, key, { exp: now + 3600 }));
    await expectRefused(await assertion(org, key, { exp: now + 300 + 31 }));
    await expectRefused(await assertion(org, key, { exp: undefined }));
    expect((await token(await assertion(org, key, { exp: now + 300 }))).status).toBe(200);
  });

  it('iat in the future beyond the skew, and nbf not reached', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await assertion(org, key, { iat: now + 60 }));
    await expectRefused(await assertion(org, key, { nbf: now + 60 }));
    expect((await token(await assertion(org, key, { iat: now + 10, nbf: now + 10 }))).status).toBe(200);
  });

  it('missing jti, or one too long to keep', async () => {
    await expectRefused(await assertion(org, key, { jti: undefined }));
    await expectRefused(await assertion(org, key, { jti: 'j'.repeat(257) }));
  });

  it('iss ≠ sub, another client as iss, or a client_id parameter ≠ iss', async () => {
    const other = await organizationWithAdmin();
    await expectRefused(await assertion(org, key, { sub: other.clientId }));
    await expectRefused(await assertion(org, key, { iss: other.clientId, sub: other.clientId }));
    await expectRefused(await assertion(org, key), { client_id: other.clientId });
  });
});

describe('blocks a reused jti', () => {
  it('on the same instance, and keeps the jti until the assertion expires', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk });
    const jti = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + 120;
    const jwt = await assertion(org, key, { jti, exp });
    expect((await token(jwt)).status).toBe(200);
    await expectRefused(jwt);
    // A new assertion with the same jti is a replay too.
    await expectRefused(await assertion(org, key, { jti }));
    const row = await prisma.clientAssertionJti.findUniqueOrThrow({
      where: { oauthClientId_jti: { oauthClientId: org.org.oauthClient!.id, jti } },
    });
    expect(row.expiresAt.getTime()).toBe(exp * 1000);
    // Another client may use the same jti: they are kept per client.
    const other = await organizationWithAdmin();
    const otherKey = await newKey('ES256');
    await addKey(other, { publicJwk: otherKey.publicJwk });
    expect((await token(await assertion(other, otherKey, { jti }))).status).toBe(200);
  });

  describe('across two instances sharing the database', () => {
    const instances: TokenServerProcess[] = [];
    beforeAll(async () => {
      instances.push(...(await Promise.all([spawnTokenServer(), spawnTokenServer()])));
    });
    afterAll(async () => {
      for (const instance of instances) instance.process.kill();
      // Killed, they cannot leave token_instances themselves: forget them, or every later change in this file
      // would wait for their acknowledgements.
      await prisma.$executeRaw`DELETE FROM token_instances WHERE id <> ${credentialChanges.instanceId}::uuid`;
    });

    const post = async (url: string, jwt: string) =>
      (
        await fetch(url, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_assertion_type: JWT_BEARER_ASSERTION,
            client_assertion: jwt,
          }),
        })
      ).status;

    it('refuses at one instance the assertion the other accepted, one after the other or at once', async () => {
      const org = await organizationWithAdmin();
      const key = await newKey('ES256');
      await addKey(org, { publicJwk: key.publicJwk });
      const [a, b] = instances.map((instance) => instance.url) as [string, string];

      const first = await assertion(org, key);
      expect(await post(a, first)).toBe(200);
      expect(await post(b, first)).toBe(401);
      const second = await assertion(org, key);
      expect(await post(b, second)).toBe(200);
      expect(await post(a, second)).toBe(401);

      for (let round = 0; round < 5; round++) {
        const jwt = await assertion(org, key);
        const statuses = await Promise.all([post(a, jwt), post(b, jwt), post(a, jwt), post(b, jwt)]);
        expect(statuses.sort()).toEqual([200, 401, 401, 401]);
      }
    });
  });
});

describe('blocks an assertion not signed by an active key of the client', () => {
  it('wrong key: another key under the right kid, another client key, or no key at all', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk });
    const stranger = await newKey('ES256');
    await expectRefused(await assertion(org, stranger, {}, { kid: key.kid }));
    await expectRefused(await assertion(org, stranger, {}, { kid: undefined }));

    const other = await organizationWithAdmin();
    const otherKey = await newKey('ES256');
    await addKey(other, { publicJwk: otherKey.publicJwk });
    await expectRefused(await assertion(org, otherKey));

    // A client without public keys (secrets only).
    const plain = await organizationWithAdmin();
    await plain.secret('ACTIVE');
    await expectRefused(await assertion(plain, key));
    // An unknown client.
    await expectRefused(await assertion({ ...plain, clientId: 'no-such-client' }, key));
  });

  it('alg none, and HS256 keyed with the public key (as JWK or PEM)', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk });
    const claims = claimsFor(org);
    await expectRefused(`${b64({ alg: 'none', kid: key.kid })}.${b64(claims)}.`);
    await expectRefused(`${b64({ alg: 'none' })}.${b64(claimsFor(org))}.`);

    const pem = createPublicKey({ key: key.publicJwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const secret of [JSON.stringify(key.publicJwk), String(pem)]) {
      const hmacKey = new TextEncoder().encode(secret);
      for (const header of [{ alg: 'HS256', kid: key.kid }, { alg: 'HS256' }])
        await expectRefused(await new SignJWT(claimsFor(org)).setProtectedHeader(header).sign(hmacKey));
    }
    // The same claims with the right key pass: what failed above was the algorithm alone.
    expect((await token(await assertion(org, key))).status).toBe(200);
  });

  it('a disabled, a deleted and an expired key', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    const keyId = await addKey(org, { publicJwk: key.publicJwk });
    expect((await token(await assertion(org, key))).status).toBe(200);
    expect((await deactivateCredential({ actor: org.actor, credentialId: keyId })).ok).toBe(true);
    await expectRefused(await assertion(org, key));
    expect((await deleteCredential({ actor: org.actor, credentialId: keyId })).ok).toBe(true);
    await expectRefused(await assertion(org, key));

    const expiring = await newKey('ES256');
    const expiresAt = Date.now() + 1500;
    await addKey(org, { publicJwk: expiring.publicJwk, expiresAt: new Date(expiresAt) });
    expect((await token(await assertion(org, expiring))).status).toBe(200);
    while (Date.now() <= expiresAt) await new Promise((resolve) => setTimeout(resolve, expiresAt + 5 - Date.now()));
    await expectRefused(await assertion(org, expiring));
  });

  it('RSA keys under 2048 bits, pasted or from a JWKS URL', async () => {
    const org = await organizationWithAdmin();
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), alg: 'RS256', kid: 'rsa-1024' };
    const sign = (input: string) => createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url');
    await addKey(org, { publicJwk: jwk });
    await expectRefused(rawJws({ alg: 'RS256', kid: 'rsa-1024' }, claimsFor(org), sign));

    const remote = await organizationWithAdmin();
    jwks.state.keys = [jwk];
    await addKey(remote, { jwksUrl: jwks.url });
    await expectRefused(rawJws({ alg: 'RS256', kid: 'rsa-1024' }, claimsFor(remote), sign));
    // The same handmade JWS with a 2048-bit key passes: the size is what was refused.
    const strong = generateKeyPairSync('rsa', { modulusLength: 2048 });
    jwks.state.keys = [{ ...(strong.publicKey.export({ format: 'jwk' }) as JWK), alg: 'RS256', kid: 'rsa-2048' }];
    const other = await organizationWithAdmin();
    await addKey(other, { jwksUrl: jwks.url });
    const signStrong = (input: string) =>
      createSign('RSA-SHA256').update(input).sign(strong.privateKey).toString('base64url');
    expect((await token(rawJws({ alg: 'RS256', kid: 'rsa-2048' }, claimsFor(other), signStrong))).status).toBe(200);
  });

  it('a JWKS URL that refuses connections or never answers: invalid_client, never a 500', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await addKey(org, { jwksUrl: `http://127.0.0.1:${closedPort}/jwks.json` });
    await expectRefused(await assertion(org, key));

    const silent = await organizationWithAdmin();
    await addKey(silent, { jwksUrl: jwks.silentUrl });
    const startedAt = Date.now();
    await expectRefused(await assertion(silent, key));
    expect(Date.now() - startedAt).toBeLessThan(3000);

    // A pasted key of the same client still works while its JWKS URL is down.
    await addKey(org, { publicJwk: key.publicJwk });
    expect((await token(await assertion(org, key))).status).toBe(200);
  });
});

describe('the key credential rules', () => {
  it('blocks an address outside the key allowed addresses, recorded in its history', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    const keyId = await addKey(org, { publicJwk: key.publicJwk, allowedCidrs: ['192.0.2.0/24'] });
    expect((await token(await assertion(org, key), {}, '192.0.2.10')).status).toBe(200);
    const blocked = await token(await assertion(org, key), {}, '203.0.113.9');
    expect(blocked).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    await usageRecorder.flush();
    const events = await listCredentialEvents({ organizationId: org.org.id, credentialId: keyId });
    expect(events?.[0]).toMatchObject({ action: 'blocked_address', address: '203.0.113.9' });
  });

  it('scopes: a key restricted to sdk gets sdk without scope, and invalid_scope asking for api', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk, scopes: ['sdk'] });
    const plain = await token(await assertion(org, key));
    expect(plain).toMatchObject({ status: 200, body: { scope: 'sdk' } });
    expect(decodeJwt(plain.body.access_token).scope).toBe('sdk');
    expect(await token(await assertion(org, key), { scope: 'sdk' })).toMatchObject({ status: 200 });
    for (const scope of ['api', 'sdk api'])
      expect(await token(await assertion(org, key), { scope })).toMatchObject({
        status: 400,
        body: { error: 'invalid_scope' },
      });
  });

  it('counts failed assertions like failed secrets: 429 once over the per-client limit', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt++)
      statuses.push((await token(await assertion(org, key, { aud: 'https://evil.example' }))).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);
  });
});

describe('revocation and introspection', () => {
  it('authenticate the client by an assertion too, each jti once', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey('ES256');
    await addKey(org, { publicJwk: key.publicJwk });
    const accessToken = (await token(await assertion(org, key))).body.access_token as string;
    const call = async (handler: typeof handleRevocationRequest, jwt: string) => {
      const response = await handler({
        contentType: FORM,
        authorization: null,
        body: new URLSearchParams({
          token: accessToken,
          client_assertion_type: JWT_BEARER_ASSERTION,
          client_assertion: jwt,
        }).toString(),
        address: nextAddress(),
      });
      return { status: response.status, body: response.body ? JSON.parse(response.body) : null };
    };

    expect(await call(handleIntrospectionRequest, await assertion(org, key))).toMatchObject({
      status: 200,
      body: { active: true, client_id: org.clientId },
    });
    const used = await assertion(org, key);
    expect((await call(handleRevocationRequest, used)).status).toBe(200);
    expect(await call(handleIntrospectionRequest, used)).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(await call(handleIntrospectionRequest, await assertion(org, key))).toMatchObject({
      status: 200,
      body: { active: false },
    });
  });
});

describe('pruning', () => {
  it('deletes used jtis once their assertion has expired (past the skew), and keeps the rest', async () => {
    const org = await organizationWithAdmin();
    const oauthClientId = org.org.oauthClient!.id;
    const now = Date.now();
    await prisma.clientAssertionJti.createMany({
      data: [
        { oauthClientId, jti: 'long-gone', expiresAt: new Date(now - 3_600_000) },
        { oauthClientId, jti: 'just-gone', expiresAt: new Date(now - 91_000) },
        { oauthClientId, jti: 'within-skew', expiresAt: new Date(now - 10_000) },
        { oauthClientId, jti: 'live', expiresAt: new Date(now + 60_000) },
      ],
    });
    expect(await pruneExpiredAssertionJtis(new Date(now))).toBe(2);
    const left = await prisma.clientAssertionJti.findMany({ where: { oauthClientId }, select: { jti: true } });
    expect(left.map((row) => row.jti).sort()).toEqual(['live', 'within-skew']);
  });
});
