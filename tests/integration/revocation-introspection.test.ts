import type { ChildProcess } from 'node:child_process';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { credentialChanges } from '@/lib/db/credential-changes';
import { deactivateCredential } from '@/lib/data/credential-commands';
import { issueAccessToken } from '@/lib/oauth/access-token';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { GET as getMe } from '@/app/api/v1/me/route';
import { GET as getMetadata } from '@/app/.well-known/oauth-authorization-server/route';
import { POST as revokeViaNext } from '@/app/api/oauth/revoke/route';
import { POST as introspectViaNext } from '@/app/api/oauth/introspect/route';
import { organizationWithAdmin } from '../helpers/fixtures';
import { spawnTokenServer } from '../helpers/token-server-process';
import { REVOCATIONS_PER_CLIENT_PER_MINUTE } from '@/lib/oauth/failure-limiter';

const FORM = 'application/x-www-form-urlencoded';
const ISSUER = 'http://auth.test';
const AUDIENCE = 'http://api.test/api/v1';

let a: string;
let b: string;
const children: ChildProcess[] = [];
let acme: Awaited<ReturnType<typeof organizationWithAdmin>>;
let other: Awaited<ReturnType<typeof organizationWithAdmin>>;
let acmeSecret: { id: string; value: string };
let otherSecret: { id: string; value: string };

beforeAll(async () => {
  const instances = await Promise.all([spawnTokenServer(), spawnTokenServer()]);
  children.push(...instances.map((instance) => instance.process));
  [a, b] = instances.map((instance) => instance.base) as [string, string];
  acme = await organizationWithAdmin('Acme');
  other = await organizationWithAdmin('Other');
  acmeSecret = await acme.secret('ACTIVE');
  otherSecret = await other.secret('ACTIVE');
});
afterAll(() => {
  for (const child of children) child.kill();
});

function basic(id: string, secret: string) {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

async function tokenFor(
  org: { clientId: string },
  secret: { value: string },
  extra: Record<string, string> = {},
): Promise<string> {
  const response = await fetch(`${a}/api/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': FORM },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: org.clientId,
      client_secret: secret.value,
      ...extra,
    }),
  });
  expect(response.status).toBe(200);
  return (await response.json()).access_token;
}

/** A token of Acme's secret, signed with the current key, issued just over its lifetime ago. */
async function expiredToken(scopes: string[]): Promise<string> {
  const { current } = await getSigningKeys();
  const issued = await issueAccessToken({
    key: current,
    issuer: ISSUER,
    audience: AUDIENCE,
    clientId: acme.clientId,
    credentialId: acmeSecret.id,
    scopes,
    now: Date.now() - 1801_000,
  });
  return issued.token;
}

/** POST to an instance's endpoint, authenticated with HTTP Basic unless `authorization` says otherwise. */
function call(
  base: string,
  endpoint: 'revoke' | 'introspect',
  params: Record<string, string>,
  authorization: string | null = basic(acme.clientId, acmeSecret.value),
) {
  return fetch(`${base}/api/oauth/${endpoint}`, {
    method: 'POST',
    headers: { 'content-type': FORM, ...(authorization ? { authorization } : {}) },
    body: new URLSearchParams(params),
  });
}

async function introspect(base: string, token: string, authorization?: string | null) {
  const response = await call(base, 'introspect', { token }, authorization);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  return response.json();
}

/** What /api/v1/me answers for the token at an instance (or in this process, through the route handler). */
async function me(base: string | 'here', token: string): Promise<number> {
  const headers = { authorization: `Bearer ${token}` };
  if (base === 'here') return (await getMe(new Request(`${AUDIENCE}/me`, { headers }))).status;
  return (await fetch(`${base}/api/v1/me`, { headers })).status;
}

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

describe('revocation (RFC 7009)', () => {
  it('makes /api/v1/me refuse the token at every instance on the very next request, and only that token', async () => {
    const token = await tokenFor(acme, acmeSecret);
    const sibling = await tokenFor(acme, acmeSecret);
    // Every instance has accepted it (and holds its revoked-token set in memory).
    expect([await me(a, token), await me(b, token), await me('here', token)]).toEqual([200, 200, 200]);

    const response = await call(a, 'revoke', { token, token_type_hint: 'access_token' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('');

    expect([await me(b, token), await me(a, token), await me('here', token)]).toEqual([401, 401, 401]);
    expect([await me(b, sibling), await me(a, sibling)]).toEqual([200, 200]);

    // Through the Next.js route (`next dev`) and with client_secret_post: the same, seen by the other processes.
    const viaNext = await revokeViaNext(
      new Request(`${ISSUER}/api/oauth/revoke`, {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: new URLSearchParams({ token: sibling, client_id: acme.clientId, client_secret: acmeSecret.value }),
      }),
    );
    expect(viaNext.status).toBe(200);
    expect([await me(b, sibling), await me(a, sibling)]).toEqual([401, 401]);

    // Recorded once per token, on the credential it was issued to, with the credential that revoked it.
    const events = await prisma.auditEvent.findMany({
      where: { credentialId: acmeSecret.id, action: 'access_token_revoked' },
      select: { details: true, actorName: true },
    });
    expect(events.map((event) => (event.details as { jti: string }).jti).sort()).toEqual(
      [claimsOf(token).jti, claimsOf(sibling).jti].sort(),
    );
    expect(events[0]).toMatchObject({ actorName: 'Token endpoint', details: { revokedWith: acmeSecret.id } });
  });

  it('is idempotent: revoking again, anywhere, answers 200 and records nothing more', async () => {
    const token = await tokenFor(acme, acmeSecret);
    const { jti } = claimsOf(token);
    for (const base of [a, b, a]) expect((await call(base, 'revoke', { token })).status).toBe(200);
    expect(await prisma.revokedAccessToken.count({ where: { jti } })).toBe(1);
    expect(
      await prisma.auditEvent.count({
        where: { action: 'access_token_revoked', details: { path: ['jti'], equals: jti } },
      }),
    ).toBe(1);
    expect([await me(a, token), await me(b, token)]).toEqual([401, 401]);
    const row = await prisma.revokedAccessToken.findUniqueOrThrow({ where: { jti } });
    // Kept exactly as long as the token could have been used.
    expect(row).toMatchObject({ clientId: acme.clientId, expiresAt: new Date(claimsOf(token).exp * 1000) });
  });

  it('answers 200 and does nothing for an unknown, malformed, foreign-signed or expired token', async () => {
    const expired = await expiredToken(['api']);
    const stranger = await generateKeyPair('ES256');
    const forged = await new SignJWT({ ...claimsOf(await tokenFor(acme, acmeSecret)) })
      .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: (await exportJWK(stranger.publicKey)).x })
      .sign(stranger.privateKey);
    const before = await prisma.revokedAccessToken.count();
    for (const token of ['garbage', 'a.b.c', forged, expired]) {
      for (const hint of [
        {} as Record<string, string>,
        { token_type_hint: 'refresh_token' },
        { token_type_hint: 'something_else' },
      ]) {
        const response = await call(b, 'revoke', { token, ...hint });
        expect(response.status, token).toBe(200);
        expect(await response.text()).toBe('');
      }
    }
    expect(await prisma.revokedAccessToken.count()).toBe(before);
  });

  it("refuses another client's token with 400 unauthorized_client, and the token keeps working", async () => {
    const theirs = await tokenFor(other, otherSecret);
    const response = await call(a, 'revoke', { token: theirs });
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'unauthorized_client', error_description: expect.any(String) });
    expect([await me(a, theirs), await me(b, theirs)]).toEqual([200, 200]);
    expect(await prisma.revokedAccessToken.count({ where: { jti: claimsOf(theirs).jti } })).toBe(0);
  });
});

describe('revocations per client', () => {
  it(`stops a client at ${REVOCATIONS_PER_CLIENT_PER_MINUTE} a minute with 503 and Retry-After, leaving the token alive and others unaffected`, async () => {
    const busy = await organizationWithAdmin('Busy');
    const busySecret = await busy.secret('ACTIVE');
    const auth = basic(busy.clientId, busySecret.value);
    const first = await tokenFor(busy, busySecret);
    for (let done = 0; done < REVOCATIONS_PER_CLIENT_PER_MINUTE; done += 25) {
      const batch = Array.from({ length: Math.min(25, REVOCATIONS_PER_CLIENT_PER_MINUTE - done) }, (_, i) =>
        call(i % 2 ? a : b, 'revoke', { token: first }, auth),
      );
      expect(new Set((await Promise.all(batch)).map((response) => response.status))).toEqual(new Set([200]));
    }
    const next = await tokenFor(busy, busySecret);
    const refused = await call(b, 'revoke', { token: next }, auth);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await refused.json()).error).toBe('temporarily_unavailable');
    expect([await me(a, next), await me(b, next)]).toEqual([200, 200]);
    // Another client's allowance is its own.
    const mine = await tokenFor(acme, acmeSecret);
    expect((await call(a, 'revoke', { token: mine })).status).toBe(200);
    expect(await me(b, mine)).toBe(401);
  });
});

describe('introspection (RFC 7662)', () => {
  it('describes an own valid token with its claims, whatever the hint, by Basic or in the body', async () => {
    const token = await tokenFor(acme, acmeSecret, { scope: 'api' });
    const { iat, exp, jti } = claimsOf(token);
    const expected = {
      active: true,
      scope: 'api',
      client_id: acme.clientId,
      sub: acme.clientId,
      aud: AUDIENCE,
      iss: ISSUER,
      exp,
      iat,
      jti,
      token_type: 'Bearer',
      secret_id: acmeSecret.id,
    };
    expect(await introspect(a, token)).toEqual(expected);
    const inBody = await call(
      b,
      'introspect',
      { token, token_type_hint: 'refresh_token', client_id: acme.clientId, client_secret: acmeSecret.value },
      null,
    );
    expect(await inBody.json()).toEqual(expected);
    const viaNext = await introspectViaNext(
      new Request(`${ISSUER}/api/oauth/introspect`, {
        method: 'POST',
        headers: { 'content-type': FORM, authorization: basic(acme.clientId, acmeSecret.value) },
        body: new URLSearchParams({ token }),
      }),
    );
    expect(await viaNext.json()).toEqual(expected);
  });

  it("answers only {active: false} for unknown, expired, revoked and other clients' tokens", async () => {
    const expired = await expiredToken(['sdk']);
    const revoked = await tokenFor(acme, acmeSecret);
    expect(await introspect(b, revoked)).toMatchObject({ active: true });
    expect((await call(a, 'revoke', { token: revoked })).status).toBe(200);
    const theirs = await tokenFor(other, otherSecret);

    for (const token of ['garbage', 'x.y.z', expired, revoked, theirs]) {
      expect(await introspect(b, token)).toEqual({ active: false });
    }
    // Their own client still sees its token as active.
    expect(await introspect(a, theirs, basic(other.clientId, otherSecret.value))).toMatchObject({
      active: true,
      client_id: other.clientId,
    });
  });

  it("describes and revokes a trusted workload's token: sub is the workload, client_id the account", async () => {
    const { current } = await getSigningKeys();
    const subject = 'repo:acme/payments:ref:refs/heads/main';
    const { token } = await issueAccessToken({
      key: current,
      issuer: ISSUER,
      audience: AUDIENCE,
      clientId: acme.clientId,
      credentialId: acmeSecret.id,
      scopes: ['api'],
      subject,
    });
    expect(await introspect(b, token)).toMatchObject({ active: true, sub: subject, client_id: acme.clientId });
    expect((await call(a, 'revoke', { token })).status).toBe(200);
    expect(await introspect(b, token)).toEqual({ active: false });
    expect(await me(b, token)).toBe(401);
  });

  it('answers {active: false} for the tokens of a credential deactivated with its tokens revoked', async () => {
    const secret = await acme.secret('ACTIVE');
    const token = await tokenFor(acme, secret);
    expect(await introspect(a, token)).toMatchObject({ active: true, secret_id: secret.id });
    await deactivateCredential({ actor: acme.actor, credentialId: secret.id, revokeTokens: true });
    expect(await introspect(a, token)).toEqual({ active: false });
    expect(await introspect(b, token)).toEqual({ active: false });
    expect(await me(b, token)).toBe(401);
  });
});

describe('refusals in the RFC 6749 shape', () => {
  it('blocks a caller that is not authenticated, or wrongly, with 401 invalid_client, and changes nothing', async () => {
    const target = await organizationWithAdmin('Target');
    const secret = await target.secret('ACTIVE');
    const token = await tokenFor(target, secret);
    const wrong = await target.secret('DISABLED');
    for (const endpoint of ['revoke', 'introspect'] as const) {
      for (const [params, authorization] of [
        [{ token }, null],
        [{ token, client_id: target.clientId }, null],
        [{ token }, basic(target.clientId, wrong.value)],
        [{ token }, basic(target.clientId, 'uqs_not-a-secret')],
        [
          {
            token,
            client_id: target.clientId,
            client_secret: secret.value.replace(/.$/, (last) => (last === '0' ? '1' : '0')),
          },
          null,
        ],
        [{ token }, basic(other.clientId, secret.value)],
      ] as [Record<string, string>, string | null][]) {
        const response = await call(a, endpoint, params, authorization);
        expect(response.status, `${endpoint} ${JSON.stringify(params)} ${authorization}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Basic/);
        expect(await response.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
      }
    }
    expect([await me(a, token), await me(b, token)]).toEqual([200, 200]);
  });

  it('refuses a missing token, a wrong content type, a huge body and any method but POST', async () => {
    for (const endpoint of ['revoke', 'introspect'] as const) {
      const url = `${b}/api/oauth/${endpoint}`;
      const missing = await call(b, endpoint, { token_type_hint: 'access_token' });
      expect([missing.status, (await missing.json()).error]).toEqual([400, 'invalid_request']);

      const json = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: basic(acme.clientId, acmeSecret.value) },
        body: JSON.stringify({ token: 'x' }),
      });
      expect([json.status, (await json.json()).error]).toEqual([400, 'invalid_request']);

      const huge = await call(b, endpoint, { token: 'x', padding: 'y'.repeat(20_000) });
      expect([huge.status, (await huge.json()).error]).toEqual([400, 'invalid_request']);

      for (const method of ['GET', 'PUT', 'DELETE']) {
        const response = await fetch(url, { method });
        expect(response.status, `${method} ${endpoint}`).toBe(405);
        expect(response.headers.get('allow')).toBe('POST');
        expect((await response.json()).error).toBe('invalid_request');
      }
    }
  });
});

describe('discovery', () => {
  it('advertises both endpoints and how to authenticate to them (RFC 8414)', async () => {
    const metadata = await (await getMetadata()).json();
    const methods = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];
    expect(metadata).toMatchObject({
      revocation_endpoint: `${ISSUER}/api/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: methods,
      introspection_endpoint: `${ISSUER}/api/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: methods,
    });
  });
});

describe('while the database cannot be reached', () => {
  it('answers 503 temporarily_unavailable, never 200, {active: false} or 401, and recovers', async () => {
    const token = await tokenFor(acme, acmeSecret);
    const kept = await tokenFor(acme, acmeSecret);
    expect(await me('here', token)).toBe(200);

    const database = new URL(process.env.DATABASE_URL!).pathname.slice(1);
    const superuser = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_DATABASE_URL });
    await superuser.connect();
    const revokeHere = (revoking: string) =>
      revokeViaNext(
        new Request(`${ISSUER}/api/oauth/revoke`, {
          method: 'POST',
          headers: { 'content-type': FORM, authorization: basic(acme.clientId, acmeSecret.value) },
          body: new URLSearchParams({ token: revoking }),
        }),
      );
    const introspectHere = (introspecting: string) =>
      introspectViaNext(
        new Request(`${ISSUER}/api/oauth/introspect`, {
          method: 'POST',
          headers: { 'content-type': FORM, authorization: basic(acme.clientId, acmeSecret.value) },
          body: new URLSearchParams({ token: introspecting }),
        }),
      );
    try {
      // No new connection to this file's database, and every open one cut: the application sees an outage.
      await superuser.query(`ALTER DATABASE ${pg.escapeIdentifier(database)} CONNECTION LIMIT 0`);
      await superuser.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [database],
      );
      await expect.poll(() => credentialChanges.isListening(), { timeout: 5_000 }).toBe(false);

      for (const response of [await revokeHere(token), await introspectHere(token)]) {
        expect(response.status).toBe(503);
        expect(response.headers.get('retry-after')).toBeTruthy();
        expect((await response.json()).error).toBe('temporarily_unavailable');
      }
      expect(await me('here', token)).toBe(503);
    } finally {
      await superuser.query(`ALTER DATABASE ${pg.escapeIdentifier(database)} CONNECTION LIMIT -1`);
      await superuser.end();
    }

    await expect.poll(() => credentialChanges.isListening(), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => me('here', token), { timeout: 10_000 }).toBe(200);
    expect((await revokeHere(token)).status).toBe(200);
    expect([await me('here', token), await me(a, token), await me(b, token)]).toEqual([401, 401, 401]);
    expect(await me(b, kept)).toBe(200);
  });

  it("reloads the revoked tokens when an instance's change channel reconnects: a revocation it missed counts", async () => {
    const token = await tokenFor(acme, acmeSecret);
    expect([await me(a, token), await me(b, token)]).toEqual([200, 200]);
    const database = new URL(process.env.DATABASE_URL!).pathname.slice(1);
    const superuser = new pg.Client({ connectionString: process.env.TEST_SUPERUSER_DATABASE_URL });
    await superuser.connect();
    // The change channels' connections (their last statement is theirs alone), not the pools'.
    const listeners = `FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()
      AND (query LIKE 'LISTEN %' OR query LIKE 'INSERT INTO token_instances%' OR query LIKE 'DELETE FROM token_instances%'
           OR query LIKE 'SELECT pg_notify(''secret_ack''%')`;
    try {
      await superuser.query(`SELECT pg_terminate_backend(pid) ${listeners}`, [database]);
      // Revoked while no instance listens: nobody hears the notification.
      expect((await call(a, 'revoke', { token })).status).toBe(200);
      // Reconnected (within about a second): this process and both instances.
      await expect
        .poll(async () => Number((await superuser.query(`SELECT count(*) ${listeners}`, [database])).rows[0].count), {
          timeout: 10_000,
        })
        .toBeGreaterThanOrEqual(3);
      await expect.poll(() => credentialChanges.isListening(), { timeout: 10_000 }).toBe(true);
    } finally {
      await superuser.end();
    }
    expect([await me(b, token), await me(a, token), await me('here', token)]).toEqual([401, 401, 401]);
  });

  // Last in this file: this process's change channel stays closed afterwards.
  it('with the change channel down, checks each token against the database instead of trusting memory', async () => {
    const token = await tokenFor(acme, acmeSecret);
    expect(await me('here', token)).toBe(200);
    await credentialChanges.close();
    expect(credentialChanges.isListening()).toBe(false);
    // Revoked by another instance: no notification can reach this process, the database tells it.
    expect((await call(a, 'revoke', { token })).status).toBe(200);
    expect(await me('here', token)).toBe(401);
  });
});
