import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { prisma } from '@/lib/db';
import { deactivateCredential, activateCredential, deleteCredential } from '@/lib/data/credential-commands';
import { generateSecret } from '@/lib/credentials/format';
import { GET as getJwks } from '@/app/.well-known/jwks.json/route';
import { GET as getMetadata } from '@/app/.well-known/oauth-authorization-server/route';
import { GET as getMe } from '@/app/api/v1/me/route';
import { GET as getOpenApi } from '@/app/api/openapi.json/route';
import { POST as postTokenViaNext } from '@/app/api/oauth/token/route';
import { startTokenServer } from '../helpers/token-server';
import { issueAccessToken } from '@/lib/oauth/access-token';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { organizationWithAdmin } from '../helpers/fixtures';

const FORM = 'application/x-www-form-urlencoded';
let server: Awaited<ReturnType<typeof startTokenServer>>;
let acme: Awaited<ReturnType<typeof organizationWithAdmin>>;
let other: Awaited<ReturnType<typeof organizationWithAdmin>>;

beforeAll(async () => {
  server = await startTokenServer();
  acme = await organizationWithAdmin('Acme');
  other = await organizationWithAdmin('Other');
});
afterAll(async () => {
  await server.close();
});

function post(body: string, headers: Record<string, string> = { 'content-type': FORM }) {
  return fetch(server.url, { method: 'POST', headers, body });
}

function form(params: Record<string, string>) {
  return new URLSearchParams(params).toString();
}

function basic(id: string, secret: string) {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function expectError(response: Response, status: number, error: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = await response.json();
  expect(body).toEqual({ error, error_description: expect.any(String) });
  return body as { error: string; error_description: string };
}

describe('allows an active secret', () => {
  it('with client_secret_post: a signed token for 1800 s, verifiable against the served JWKS alone', async () => {
    const secret = await acme.secret('ACTIVE');
    const response = await post(
      form({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: secret.value }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = await response.json();
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 1800,
      scope: 'sdk api',
      jti: expect.any(String),
    });

    const jwks = await (await getJwks()).json();
    const { payload, protectedHeader } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: 'http://auth.test',
      audience: 'http://api.test/api/v1',
      algorithms: ['ES256'],
    });
    expect(protectedHeader).toMatchObject({ alg: 'ES256', typ: 'at+jwt', kid: jwks.keys[0].kid });
    expect(payload).toMatchObject({ sub: acme.clientId, jti: body.jti, scope: 'sdk api', secret_id: secret.id });
    expect(payload.exp! - payload.iat!).toBe(1800);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    expect(Buffer.from(body.access_token.split('.')[1], 'base64url').toString()).not.toContain(secret.value);
  });

  it('with client_secret_basic, and a narrower scope when asked', async () => {
    const secret = await acme.secret('ACTIVE');
    const response = await post(form({ grant_type: 'client_credentials', scope: 'api' }), {
      'content-type': FORM,
      authorization: basic(acme.clientId, secret.value),
    });
    expect(response.status).toBe(200);
    expect((await response.json()).scope).toBe('api');
  });

  it('through the Next.js route handler too, with the same contract', async () => {
    const secret = await acme.secret('ACTIVE');
    const ok = await postTokenViaNext(
      new Request('http://portal.test/api/oauth/token', {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: form({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: secret.value }),
      }),
    );
    expect(ok.status).toBe(200);
    const bad = await postTokenViaNext(
      new Request('http://portal.test/api/oauth/token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
    );
    await expectError(bad, 400, 'invalid_request');
  });

  it('records the last use with address and user agent, written at most once a minute', async () => {
    const secret = await acme.secret('ACTIVE');
    const body = form({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: secret.value });
    const read = () => prisma.credential.findUniqueOrThrow({ where: { id: secret.id } });
    expect((await post(body, { 'content-type': FORM, 'user-agent': 'acme-sdk/1.0' })).status).toBe(200);
    expect((await read()).lastUsedAt).toBeNull(); // not written on the request's path
    await usageRecorder.flush();
    const first = await read();
    expect(first.lastUsedAt).toBeInstanceOf(Date);
    expect(first).toMatchObject({ lastUsedAddress: '127.0.0.1', lastUsedUserAgent: 'acme-sdk/1.0' });
    for (let i = 0; i < 5; i++) expect((await post(body)).status).toBe(200);
    await usageRecorder.flush();
    expect((await read()).lastUsedAt).toEqual(first.lastUsedAt);
  });
});

describe('blocks every secret that is not active for that client, identically', () => {
  it('answers invalid_client for wrong, disabled, deleted, foreign and unknown-client secrets', async () => {
    const active = await acme.secret('ACTIVE');
    const disabled = await acme.secret('DISABLED');
    const deleted = await acme.secret('DELETED');
    const foreign = await other.secret('ACTIVE');
    const attempts = [
      { client_id: acme.clientId, client_secret: generateSecret() },
      { client_id: acme.clientId, client_secret: disabled.value },
      { client_id: acme.clientId, client_secret: deleted.value },
      { client_id: acme.clientId, client_secret: foreign.value },
      { client_id: 'no-such-client', client_secret: active.value },
      { client_id: acme.clientId, client_secret: 'not-even-a-secret' },
      { client_id: acme.clientId, client_secret: active.value.slice(0, -1) + (active.value.endsWith('a') ? 'b' : 'a') },
    ];
    const bodies = [];
    for (const attempt of attempts) {
      const response = await post(form({ grant_type: 'client_credentials', ...attempt }));
      expect(response.headers.get('www-authenticate')).toBe('Basic realm="token"');
      bodies.push(await expectError(response, 401, 'invalid_client'));
    }
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
  });

  it('adds WWW-Authenticate: Basic when Basic was used', async () => {
    const response = await post(form({ grant_type: 'client_credentials' }), {
      'content-type': FORM,
      authorization: basic(acme.clientId, generateSecret()),
    });
    await expectError(response, 401, 'invalid_client');
    expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
    const garbled = await post(form({ grant_type: 'client_credentials' }), {
      'content-type': FORM,
      authorization: 'Basic %%%',
    });
    await expectError(garbled, 401, 'invalid_client');
  });

  it('stops a secret on the very next request after it is deactivated or deleted', async () => {
    const secret = await acme.secret('ACTIVE');
    const body = form({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: secret.value });
    expect((await post(body)).status).toBe(200); // now cached
    await deactivateCredential({ actor: acme.actor, credentialId: secret.id });
    await expectError(await post(body), 401, 'invalid_client');
    await activateCredential({ actor: acme.actor, credentialId: secret.id });
    expect((await post(body)).status).toBe(200);
    await deactivateCredential({ actor: acme.actor, credentialId: secret.id });
    await deleteCredential({ actor: acme.actor, credentialId: secret.id });
    await expectError(await post(body), 401, 'invalid_client');
  });
});

describe('blocks malformed requests with RFC 6749 errors, never a 500', () => {
  const valid = () => ({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: generateSecret() });

  it.each([
    ['a JSON body', () => post(JSON.stringify(valid()), { 'content-type': 'application/json' })],
    ['no content type', () => post(form(valid()), {})],
    ['an oversized body', () => post(form({ ...valid(), padding: 'x'.repeat(5000) }))],
    [
      'an oversized body without Content-Length',
      () =>
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: new Blob([form({ ...valid(), padding: 'x'.repeat(5000) })]).stream(),
          duplex: 'half',
        } as RequestInit),
    ],
    ['a repeated grant_type', () => post(`${form(valid())}&grant_type=client_credentials`)],
    ['a repeated client_secret', () => post(`${form(valid())}&client_secret=x`)],
    ['a missing grant_type', () => post(form({ client_id: acme.clientId, client_secret: generateSecret() }))],
    [
      'Basic and client_secret together',
      () => post(form(valid()), { 'content-type': FORM, authorization: basic(acme.clientId, generateSecret()) }),
    ],
    [
      'a client_id that differs from Basic',
      () =>
        post(form({ grant_type: 'client_credentials', client_id: 'someone-else' }), {
          'content-type': FORM,
          authorization: basic(acme.clientId, generateSecret()),
        }),
    ],
  ])('invalid_request for %s', async (_, send) => {
    await expectError(await send(), 400, 'invalid_request');
  });

  it('unsupported_grant_type for other grants', async () => {
    for (const grant of ['password', 'authorization_code', 'refresh_token', 'client_credentials ']) {
      await expectError(await post(form({ ...valid(), grant_type: grant })), 400, 'unsupported_grant_type');
    }
  });

  it('invalid_scope for unknown scopes', async () => {
    await expectError(await post(form({ ...valid(), scope: 'admin' })), 400, 'invalid_scope');
    await expectError(await post(form({ ...valid(), scope: 'api admin' })), 400, 'invalid_scope');
  });

  it('invalid_client when no credentials are sent at all', async () => {
    await expectError(await post(form({ grant_type: 'client_credentials' })), 401, 'invalid_client');
  });

  it('a clean error for garbage and non-POST requests', async () => {
    for (const body of ['%', '&&&=', '\u0000\u0001', 'grant_type=%E0%A4%A']) {
      const response = await post(body);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(await response.json()).toHaveProperty('error');
    }
    const get = await fetch(server.url);
    expect(get.status).toBe(405);
  });
});

describe('discovery and the protected API', () => {
  it('publishes RFC 8414 metadata and an OpenAPI 3.1 document', async () => {
    const metadata = await (await getMetadata()).json();
    expect(metadata).toMatchObject({
      issuer: 'http://auth.test',
      token_endpoint: 'http://auth.test/api/oauth/token',
      jwks_uri: 'http://auth.test/.well-known/jwks.json',
      grant_types_supported: ['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    });
    const openapi = await (await getOpenApi()).json();
    expect(openapi.openapi).toBe('3.1.0');
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/oauth/token', '/api/v1/me', '/.well-known/jwks.json']),
    );
    // Every event of the catalogue, with its payload's schema.
    expect(Object.keys(openapi.webhooks)).toEqual(
      expect.arrayContaining(['credential.leaked', 'credential.expiring', 'webhook.test']),
    );
    expect(Object.keys(openapi.webhooks)).toHaveLength(12);
    const leaked = openapi.webhooks['credential.leaked'].post.requestBody.content['application/json'].schema;
    expect(leaked.properties.type).toEqual({ const: 'credential.leaked' });
    expect(leaked.properties.data.required).toEqual(
      expect.arrayContaining(['organization_id', 'credential', 'address']),
    );
  });

  it('allows /api/v1/me with a valid token and blocks a missing, forged or tampered one', async () => {
    const secret = await acme.secret('ACTIVE');
    const { access_token: token } = await (
      await post(form({ grant_type: 'client_credentials', client_id: acme.clientId, client_secret: secret.value }))
    ).json();
    const me = await getMe(new Request('http://api.test/api/v1/me', { headers: { authorization: `Bearer ${token}` } }));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ client_id: acme.clientId, scope: 'sdk api' });

    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: other.clientId })).toString('base64url')}.${signature}`;
    const unsigned = `${Buffer.from(JSON.stringify({ ...decodeProtectedHeader(token), alg: 'none' })).toString('base64url')}.${payload}.`;
    for (const authorization of [
      undefined,
      'Bearer',
      `Bearer ${tampered}`,
      `Bearer ${unsigned}`,
      `Basic ${token}`,
      'Bearer not.a.jwt',
    ]) {
      const response = await getMe(
        new Request('http://api.test/api/v1/me', { headers: authorization ? { authorization } : {} }),
      );
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
    }
  });

  it('blocks an expired token and one issued for another issuer or audience', async () => {
    const { current } = await getSigningKeys();
    const base = {
      key: current,
      clientId: acme.clientId,
      credentialId: (await acme.secret('ACTIVE')).id,
      scopes: ['api'],
    };
    const tokens = [
      (
        await issueAccessToken({
          ...base,
          issuer: 'http://auth.test',
          audience: 'http://api.test/api/v1',
          now: Date.now() - 1801_000,
        })
      ).token,
      (await issueAccessToken({ ...base, issuer: 'http://evil.test', audience: 'http://api.test/api/v1' })).token,
      (await issueAccessToken({ ...base, issuer: 'http://auth.test', audience: 'http://other-api.test' })).token,
    ];
    const fresh = (await issueAccessToken({ ...base, issuer: 'http://auth.test', audience: 'http://api.test/api/v1' }))
      .token;
    expect(
      (await getMe(new Request('http://api.test/api/v1/me', { headers: { authorization: `Bearer ${fresh}` } }))).status,
    ).toBe(200);
    for (const token of tokens) {
      const response = await getMe(
        new Request('http://api.test/api/v1/me', { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(response.status).toBe(401);
    }
  });
});
