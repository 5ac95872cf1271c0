// Workload identity federation: RFC 8693 token exchange at the token endpoint, against a local OIDC issuer.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { decodeJwt, SignJWT, UnsecuredJWT } from 'jose';
import { prisma } from '@/lib/db';
import { createOrganization } from '@/lib/data/organizations';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { verifyAccessToken } from '@/lib/oauth/verify-access-token';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { organizationWithAdmin } from '../helpers/fixtures';
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer';
import { startTokenServer } from '../helpers/token-server';
import { GET as getMetadata } from '@/app/.well-known/oauth-authorization-server/route';
import { GET as getOpenApi } from '@/app/api/openapi.json/route';

process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
process.env.OAUTH_FETCH_TIMEOUT_MS = '1000';
process.env.TOKEN_FAILURES_PER_CLIENT = '8';

const FORM = 'application/x-www-form-urlencoded';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const JWT_TYPE = 'urn:ietf:params:oauth:token-type:jwt';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';
const AUDIENCE = 'https://console.example.com/workloads';
const SUBJECT = 'repo:acme/payments:ref:refs/heads/main';

let github: OidcIssuer;
let other: OidcIssuer;
const issuers: OidcIssuer[] = [];

async function issuer(options?: Parameters<typeof startOidcIssuer>[0]) {
  const started = await startOidcIssuer(options);
  issuers.push(started);
  return started;
}

beforeAll(async () => {
  github = await issuer();
  other = await issuer({ alg: 'ES256' });
});
afterAll(async () => {
  await Promise.all(issuers.map((started) => started.stop()));
});
afterEach(() => {
  vi.useRealTimers();
});

interface WorkloadInput {
  issuer?: string;
  audience?: string;
  subject?: string;
  scopes?: ('sdk' | 'api')[];
  status?: 'ACTIVE' | 'DISABLED' | 'DELETED';
  allowedCidrs?: string[];
  expiresAt?: Date;
}

/**
 * A new account whose trusted workloads are rows written straight to the database (the portal's form is
 * tested elsewhere). Each test gets its own account, so no cached credentials of another test are in play.
 */
async function account(...workloads: WorkloadInput[]) {
  const org = await createOrganization({ name: `Org ${randomUUID().slice(0, 8)}` });
  const client = org.oauthClient!;
  const rows: { id: string }[] = [];
  for (const workload of workloads) {
    const status = workload.status ?? 'ACTIVE';
    const subject = workload.subject ?? SUBJECT;
    rows.push(
      await prisma.credential.create({
        data: {
          oauthClientId: client.id,
          kind: 'WORKLOAD',
          name: `Workload ${randomUUID().slice(0, 8)}`,
          secretHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
          preview: subject,
          status,
          scopes: workload.scopes ?? ['sdk', 'api'],
          allowedCidrs: workload.allowedCidrs ?? [],
          expiresAt: workload.expiresAt,
          activatedAt: status === 'ACTIVE' ? new Date() : null,
          deletedAt: status === 'DELETED' ? new Date() : null,
          workloadIssuer: workload.issuer ?? github.url,
          workloadAudience: workload.audience ?? AUDIENCE,
          workloadSubject: subject,
        },
        select: { id: true },
      }),
    );
  }
  return { clientId: client.clientId, workloads: rows };
}

let addresses = 0;
/** A fresh source address per request unless given: the per-address failure limit stays out of the way. */
const nextAddress = () => `198.51.${100 + Math.floor(addresses / 250)}.${(addresses++ % 250) + 1}`;

async function exchange(
  params: Record<string, string | undefined>,
  { address = nextAddress(), authorization = null as string | null } = {},
) {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries({ grant_type: TOKEN_EXCHANGE, subject_token_type: JWT_TYPE, ...params }))
    if (value !== undefined) body.set(name, value);
  const response = await handleTokenRequest({
    contentType: FORM,
    authorization,
    body: body.toString(),
    address,
    userAgent: 'workload/1',
  });
  return { status: response.status, headers: response.headers, body: JSON.parse(response.body) };
}

function expectRefused(
  result: Awaited<ReturnType<typeof exchange>>,
  error: string,
  description: RegExp,
  status = error === 'invalid_client' ? 401 : 400,
) {
  expect(result.body).toEqual({ error, error_description: expect.stringMatching(description) });
  expect(result.status).toBe(status);
  expect(result.headers['Cache-Control']).toBe('no-store');
}

describe('allows a workload token that a trusted workload accepts', () => {
  it('gives an access token for the account, whose sub is the workload and which the API accepts', async () => {
    const acme = await account({ scopes: ['sdk', 'api'] });
    const subjectToken = await github.issue({ sub: SUBJECT, aud: AUDIENCE, repository: 'acme/payments' });
    const result = await exchange({ client_id: acme.clientId, subject_token: subjectToken });

    expect(result.status).toBe(200);
    expect(result.headers['Cache-Control']).toBe('no-store');
    expect(result.body).toEqual({
      access_token: expect.any(String),
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: 'bearer',
      expires_in: 1800,
      scope: 'sdk api',
      jti: expect.any(String),
    });
    const verified = await verifyAccessToken(result.body.access_token);
    expect(verified).toMatchObject({ clientId: acme.clientId, credentialId: acme.workloads[0]!.id, scope: 'sdk api' });
    const claims = decodeJwt(result.body.access_token);
    expect(claims).toMatchObject({
      sub: SUBJECT,
      client_id: acme.clientId,
      secret_id: acme.workloads[0]!.id,
      iss: 'http://auth.test',
      aud: 'http://api.test/api/v1',
    });
    // Nothing of the workload's own token is carried over beyond its subject.
    expect(claims.repository).toBeUndefined();
  });

  it('records the use on the trusted workload, as for a secret', async () => {
    const acme = await account({});
    const address = nextAddress();
    const subjectToken = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expect((await exchange({ client_id: acme.clientId, subject_token: subjectToken }, { address })).status).toBe(200);
    await usageRecorder.flush();
    const row = await prisma.credential.findUniqueOrThrow({ where: { id: acme.workloads[0]!.id } });
    expect(row).toMatchObject({ lastUsedAddress: address, lastUsedUserAgent: 'workload/1' });
    expect(row.lastUsedAt).toBeInstanceOf(Date);
  });

  it('through the production server too, with a narrower scope when asked, and an aud list', async () => {
    const server = await startTokenServer();
    try {
      const acme = await account({});
      const subjectToken = await github.issue({ sub: SUBJECT, aud: ['https://other.example', AUDIENCE] });
      const response = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': FORM },
        body: new URLSearchParams({
          grant_type: TOKEN_EXCHANGE,
          client_id: acme.clientId,
          subject_token: subjectToken,
          subject_token_type: JWT_TYPE,
          scope: 'api',
        }).toString(),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ scope: 'api', issued_token_type: ACCESS_TOKEN_TYPE });
    } finally {
      await server.close();
    }
  });

  it('matches * in the subject pattern to any run of characters, and nothing else', async () => {
    const acme = await account({ subject: 'repo:acme/payments:*' });
    for (const sub of ['repo:acme/payments:ref:refs/heads/main', 'repo:acme/payments:environment:prod']) {
      const result = await exchange({
        client_id: acme.clientId,
        subject_token: await github.issue({ sub, aud: AUDIENCE }),
      });
      expect(result.status, sub).toBe(200);
      expect(decodeJwt(result.body.access_token).sub).toBe(sub);
    }
    const foreign = await exchange({
      client_id: acme.clientId,
      subject_token: await github.issue({ sub: 'repo:acme/payments-fork:ref:refs/heads/main', aud: AUDIENCE }),
    });
    expectRefused(foreign, 'invalid_grant', /sub 'repo:acme\/payments-fork:ref:refs\/heads\/main' matches no/);
  });

  it('uses the first workload that accepts the token: its scopes, its id', async () => {
    const acme = await account(
      { subject: 'repo:acme/web:*', scopes: ['api'] },
      { subject: SUBJECT, scopes: ['sdk'] },
      { subject: 'repo:acme/*', scopes: ['sdk', 'api'] },
    );
    const result = await exchange({
      client_id: acme.clientId,
      subject_token: await github.issue({ sub: SUBJECT, aud: AUDIENCE }),
    });
    expect(result.body.scope).toBe('sdk');
    expect(decodeJwt(result.body.access_token).secret_id).toBe(acme.workloads[1]!.id);
  });

  it('accepts the client authenticating as well, with a secret of the same account', async () => {
    const acme = await organizationWithAdmin();
    const secret = await acme.secret('ACTIVE');
    const workload = await prisma.credential.create({
      data: {
        oauthClientId: acme.org.oauthClient!.id,
        kind: 'WORKLOAD',
        name: 'CI',
        secretHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
        preview: SUBJECT,
        status: 'ACTIVE',
        workloadIssuer: github.url,
        workloadAudience: AUDIENCE,
        workloadSubject: SUBJECT,
      },
    });
    const subjectToken = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    const result = await exchange({
      client_id: acme.clientId,
      client_secret: secret.value,
      subject_token: subjectToken,
    });
    expect(result.status).toBe(200);
    expect(decodeJwt(result.body.access_token).secret_id).toBe(workload.id);

    const wrong = await exchange({
      client_id: acme.clientId,
      client_secret: (await acme.secret('DISABLED')).value,
      subject_token: subjectToken,
    });
    expectRefused(wrong, 'invalid_client', /Client authentication failed/);
  });

  it('accepts audience or resource when it is the API base URL', async () => {
    const acme = await account({});
    const subjectToken = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    const result = await exchange({
      client_id: acme.clientId,
      subject_token: subjectToken,
      audience: 'http://api.test/api/v1',
      requested_token_type: ACCESS_TOKEN_TYPE,
    });
    expect(result.status).toBe(200);
  });
});

describe('picks up keys the issuer rotates', () => {
  it('fetches the JWKS again for a kid it has not seen, once its cached copy is over 10 s old', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const rotating = await issuer({ alg: 'ES256' });
    const acme = await account({ issuer: rotating.url });
    const first = await rotating.issue({ sub: SUBJECT, aud: AUDIENCE });
    expect((await exchange({ client_id: acme.clientId, subject_token: first })).status).toBe(200);
    const fetches = rotating.requests.length;

    vi.setSystemTime(Date.now() + 11_000);
    await rotating.rotate();
    const rotated = await rotating.issue({ sub: SUBJECT, aud: AUDIENCE });
    expect((await exchange({ client_id: acme.clientId, subject_token: rotated })).status).toBe(200);
    expect(rotating.requests.slice(fetches)).toContain('/jwks');
    // The old key is still published, so tokens signed before the rotation keep working.
    expect((await exchange({ client_id: acme.clientId, subject_token: first })).status).toBe(200);
  });

  it('keeps accepting tokens of keys it holds while a token with an unknown kid finds the issuer down', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const flaky = await issuer({ alg: 'ES256' });
    const acme = await account({ issuer: flaky.url });
    const known = await flaky.issue({ sub: SUBJECT, aud: AUDIENCE });
    expect((await exchange({ client_id: acme.clientId, subject_token: known })).status).toBe(200);

    await flaky.rotate();
    const unknownKid = await flaky.issue({ sub: SUBJECT, aud: AUDIENCE });
    await flaky.stop();
    vi.setSystemTime(Date.now() + 11_000);
    // Anyone can send a token naming a kid we lack; while the issuer is down that fails, and must fail alone.
    const refused = await exchange({ client_id: acme.clientId, subject_token: unknownKid });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('invalid_grant');
    expect((await exchange({ client_id: acme.clientId, subject_token: known })).status).toBe(200);
  });

  it('tries each published key when the token names no kid', async () => {
    const twoKeys = await issuer();
    await twoKeys.rotate();
    const acme = await account({ issuer: twoKeys.url });
    // Signed by the newer key, the second in the JWKS: the first one tried does not verify it.
    const token = await twoKeys.issue({ sub: SUBJECT, aud: AUDIENCE }, { omitKid: true });
    expect((await exchange({ client_id: acme.clientId, subject_token: token })).status).toBe(200);
  });

  it('fetches the documents once for many exchanges, not once per token', async () => {
    const busy = await issuer();
    const acme = await account({ issuer: busy.url });
    for (let i = 0; i < 5; i++) {
      const token = await busy.issue({ sub: SUBJECT, aud: AUDIENCE });
      expect((await exchange({ client_id: acme.clientId, subject_token: token })).status).toBe(200);
    }
    expect(busy.requests).toEqual(['/.well-known/openid-configuration', '/jwks']);
  });
});

describe('blocks a workload token that no trusted workload accepts, with invalid_grant saying why', () => {
  it('a subject the pattern does not match', async () => {
    const acme = await account({});
    const token = await github.issue({ sub: 'repo:acme/payments:ref:refs/heads/dev', aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      /sub 'repo:acme\/payments:ref:refs\/heads\/dev' matches no trusted workload's subject pattern/,
    );
  });

  it('another audience', async () => {
    const acme = await account({});
    const token = await github.issue({ sub: SUBJECT, aud: 'https://github.com/acme' });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      /aud 'https:\/\/github.com\/acme' is not the audience/,
    );
  });

  it('an issuer the account does not trust, even one another account trusts', async () => {
    const acme = await account({});
    await account({ issuer: other.url });
    const token = await other.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      new RegExp(`No active trusted workload of this client accepts tokens from the issuer '${other.url}'`),
    );
  });

  it('a token whose iss is a trusted issuer but that another issuer signed', async () => {
    const acme = await account({});
    const forged = await other.issue({ sub: SUBJECT, aud: AUDIENCE, iss: github.url });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: forged }),
      'invalid_grant',
      /publishes no key for this subject_token|signature does not verify/,
    );
  });

  it('an expired token, one not valid yet, one issued in the future, one without exp', async () => {
    const acme = await account({});
    const now = Math.floor(Date.now() / 1000);
    const cases: [Parameters<OidcIssuer['issue']>[0], RegExp][] = [
      [{ sub: SUBJECT, aud: AUDIENCE, iat: now - 600, exp: now - 60 }, /has expired \(exp\)/],
      [{ sub: SUBJECT, aud: AUDIENCE, nbf: now + 300 }, /not valid yet \(nbf\)/],
      [{ sub: SUBJECT, aud: AUDIENCE, iat: now + 300, exp: now + 600 }, /issued in the future \(iat\)/],
    ];
    for (const [claims, description] of cases) {
      const token = await github.issue(claims);
      expectRefused(await exchange({ client_id: acme.clientId, subject_token: token }), 'invalid_grant', description);
    }
    // Within the 30 s of clock skew tolerated, a just-expired token still passes.
    const skewed = await github.issue({ sub: SUBJECT, aud: AUDIENCE, iat: now - 300, exp: now - 10 });
    expect((await exchange({ client_id: acme.clientId, subject_token: skewed })).status).toBe(200);
  });

  it('a token without exp or without sub', async () => {
    const acme = await account({});
    const noExp = await github.issue({ sub: SUBJECT, aud: AUDIENCE, exp: null });
    expectRefused(await exchange({ client_id: acme.clientId, subject_token: noExp }), 'invalid_grant', /no exp claim/);
    const noSub = await github.issue({ sub: '', aud: AUDIENCE });
    expectRefused(await exchange({ client_id: acme.clientId, subject_token: noSub }), 'invalid_grant', /no sub claim/);
  });

  it('a key the issuer does not publish, even after fetching its keys again', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const acme = await account({});
    const published = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expect((await exchange({ client_id: acme.clientId, subject_token: published })).status).toBe(200);
    vi.setSystemTime(Date.now() + 31_000);
    const fetches = github.requests.length;
    const unknownKid = await github.issue({ sub: SUBJECT, aud: AUDIENCE }, { kid: 'kid-nobody-publishes' });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: unknownKid }),
      'invalid_grant',
      /publishes no key for this subject_token .* even after fetching its keys again/,
    );
    expect(github.requests.slice(fetches)).toContain('/jwks');
  });

  it('a published kid whose signature does not verify (a forged token)', async () => {
    const acme = await account({});
    const genuine = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    const [header, , signature] = genuine.split('.');
    const payload = Buffer.from(
      JSON.stringify({ ...decodeJwt(genuine), sub: 'repo:acme/payments:ref:refs/heads/evil' }),
    ).toString('base64url');
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: `${header}.${payload}.${signature}` }),
      'invalid_grant',
      /signature does not verify with the keys of/,
    );
  });

  it('alg none and HS256 (the issuer URL as its secret), refused before anything is fetched', async () => {
    const untouched = await issuer();
    const acme = await account({ issuer: untouched.url });
    const unsigned = new UnsecuredJWT({ sub: SUBJECT, aud: AUDIENCE, iss: untouched.url })
      .setExpirationTime('5m')
      .encode();
    const hmac = await new SignJWT({ sub: SUBJECT, aud: AUDIENCE, iss: untouched.url })
      .setProtectedHeader({ alg: 'HS256', kid: 'whatever' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(untouched.url));
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: unsigned }),
      'invalid_grant',
      /signed with 'none'; accepted: RS256, RS384, RS512, PS256, ES256, ES384, EdDSA/,
    );
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: hmac }),
      'invalid_grant',
      /signed with 'HS256'; accepted:/,
    );
    expect(untouched.requests).toEqual([]);
  });

  it('something that is not a JWT', async () => {
    const acme = await account({});
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: 'not-a-jwt' }),
      'invalid_grant',
      /not a JWT/,
    );
  });

  it('a disabled, deleted or expired workload, or one of another account', async () => {
    const mine = await account(
      { status: 'DISABLED' },
      { status: 'DELETED' },
      { expiresAt: new Date(Date.now() - 1000) },
    );
    const theirs = await account({});
    const token = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: mine.clientId, subject_token: token }),
      'invalid_grant',
      /No active trusted workload of this client accepts tokens from the issuer/,
    );
    expect((await exchange({ client_id: theirs.clientId, subject_token: token })).status).toBe(200);
  });

  it('a workload used from outside its allowed addresses, shown to the admin', async () => {
    const acme = await account({ allowedCidrs: ['10.0.0.0/8'] });
    const token = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }, { address: '203.0.113.9' }),
      'invalid_grant',
      /does not accept token exchanges from your address/,
    );
    expect((await exchange({ client_id: acme.clientId, subject_token: token }, { address: '10.1.2.3' })).status).toBe(
      200,
    );
    await usageRecorder.flush();
    const blocked = await prisma.auditEvent.findMany({
      where: { credentialId: acme.workloads[0]!.id, action: 'blocked_address' },
    });
    expect(blocked.map((event) => event.address)).toEqual(['203.0.113.9']);
  });

  it('a scope the workload does not allow: invalid_scope', async () => {
    const acme = await account({ scopes: ['sdk'] });
    const token = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token, scope: 'api' }),
      'invalid_scope',
      /may not request api. It allows: sdk/,
    );
    const allowed = await exchange({ client_id: acme.clientId, subject_token: token });
    expect(allowed.body.scope).toBe('sdk');
  });
});

describe('blocks an issuer that cannot be used, with invalid_grant and never a 500', () => {
  it('an issuer that cannot be reached', async () => {
    const gone = await issuer();
    const acme = await account({ issuer: gone.url });
    const token = await gone.issue({ sub: SUBJECT, aud: AUDIENCE });
    await gone.stop();
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      /could not be fetched: 127.0.0.1:\d+ could not be reached/,
    );
  });

  it('an issuer that does not answer in time, and is not asked again at once', async () => {
    const hanging = await issuer();
    hanging.stall = true;
    const acme = await account({ issuer: hanging.url });
    const token = await hanging.issue({ sub: SUBJECT, aud: AUDIENCE });
    const started = Date.now();
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      /did not answer within 1000 ms/,
    );
    expect(Date.now() - started).toBeLessThan(3000);
    const asked = hanging.requests.length;
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      /did not answer within 1000 ms/,
    );
    expect(hanging.requests.length).toBe(asked);
  });

  it('a discovery document naming another issuer', async () => {
    const impostor = await issuer();
    impostor.discovery.issuer = github.url;
    const acme = await account({ issuer: impostor.url });
    const token = await impostor.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      new RegExp(`discovery document names the issuer '${github.url}'`),
    );
  });

  it('documents that are too large, not JSON, or without keys', async () => {
    const cases: [string, string, RegExp][] = [
      ['/.well-known/openid-configuration', 'x'.repeat(70_000), /is larger than 65536 bytes/],
      ['/.well-known/openid-configuration', '<html>', /is not JSON/],
      ['/jwks', '{"keys": "none"}', /has no "keys" array/],
      ['/jwks', '{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}', /publishes no key|not a valid key set/],
    ];
    for (const [path, body, description] of cases) {
      const broken = await issuer();
      broken.override(path, body);
      const acme = await account({ issuer: broken.url });
      const token = await broken.issue({ sub: SUBJECT, aud: AUDIENCE });
      expectRefused(await exchange({ client_id: acme.clientId, subject_token: token }), 'invalid_grant', description);
    }
  });

  it('a jwks_uri that is not https', async () => {
    const plain = await issuer();
    plain.discovery.jwks_uri = 'http://keys.example.com/jwks';
    const acme = await account({ issuer: plain.url });
    const token = await plain.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      /jwks_uri cannot be used: Use an https:\/\/ URL/,
    );
  });

  it('an http issuer that is not on loopback, and loopback too without the test setting', async () => {
    const acme = await account({ issuer: 'http://issuer.example.com' });
    const token = await github.issue({ sub: SUBJECT, aud: AUDIENCE, iss: 'http://issuer.example.com' });
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token }),
      'invalid_grant',
      /issuer 'http:\/\/issuer.example.com' cannot be trusted: Use an https:\/\/ URL/,
    );

    const local = await account({});
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    try {
      expectRefused(
        await exchange({
          client_id: local.clientId,
          subject_token: await github.issue({ sub: SUBJECT, aud: AUDIENCE }),
        }),
        'invalid_grant',
        /cannot be trusted: Use an https:\/\/ URL/,
      );
    } finally {
      process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    }
  });
});

describe('blocks a malformed token exchange', () => {
  it('an unknown client: invalid_client, like any unknown client', async () => {
    const token = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(
      await exchange({ client_id: 'no-such-client', subject_token: token }),
      'invalid_client',
      /Client authentication failed/,
    );
  });

  it('no client_id, another subject_token_type, delegation, or another audience', async () => {
    const acme = await account({});
    const token = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expectRefused(await exchange({ subject_token: token }), 'invalid_request', /client_id is missing/);
    expectRefused(
      await exchange({
        client_id: acme.clientId,
        subject_token: token,
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
      }),
      'invalid_request',
      /subject_token_type must be urn:ietf:params:oauth:token-type:jwt/,
    );
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token, subject_token_type: undefined }),
      'invalid_request',
      /subject_token_type is missing/,
    );
    expectRefused(
      await exchange({
        client_id: acme.clientId,
        subject_token: token,
        actor_token: token,
        actor_token_type: JWT_TYPE,
      }),
      'invalid_request',
      /Delegation is not supported/,
    );
    expectRefused(
      await exchange({ client_id: acme.clientId, subject_token: token, resource: 'https://elsewhere.example' }),
      'invalid_target',
      /for http:\/\/api.test\/api\/v1 only/,
    );
    expectRefused(
      await exchange({
        client_id: acme.clientId,
        subject_token: token,
        requested_token_type: 'urn:ietf:params:oauth:token-type:refresh_token',
      }),
      'invalid_request',
      /requested_token_type must be/,
    );
  });

  it('counts refused workload tokens like failed authentications: 429 after the limit, for that client', async () => {
    const acme = await account({});
    const wrong = await github.issue({ sub: 'repo:evil/repo:ref:refs/heads/main', aud: AUDIENCE });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await exchange({ client_id: acme.clientId, subject_token: wrong })).status);
    expect(statuses).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 429, 429]);
    const limited = await exchange({ client_id: acme.clientId, subject_token: wrong });
    expect(limited.body.error).toBe('invalid_client');
    expect(Number(limited.headers['Retry-After'])).toBeGreaterThan(0);
    // A valid workload token still gets its access token: success is never refused.
    const right = await github.issue({ sub: SUBJECT, aud: AUDIENCE });
    expect((await exchange({ client_id: acme.clientId, subject_token: right })).status).toBe(200);
  });
});

describe('documents token exchange', () => {
  it('in the RFC 8414 metadata and the OpenAPI document', async () => {
    expect((await (await getMetadata()).json()).grant_types_supported).toContain(TOKEN_EXCHANGE);
    const openapi = await (await getOpenApi()).json();
    const token = openapi.paths['/api/oauth/token'].post;
    const form = token.requestBody.content[FORM].schema;
    expect(form.properties.grant_type.enum).toContain(TOKEN_EXCHANGE);
    expect(form.properties.subject_token_type.const).toBe(JWT_TYPE);
    expect(form.oneOf[1].required).toEqual(['client_id', 'subject_token', 'subject_token_type']);
    expect(token.responses['400'].description).toMatch(/invalid_grant.*invalid_target|invalid_target.*invalid_grant/);
    expect(openapi.components.schemas.TokenResponse.properties.issued_token_type.const).toBe(ACCESS_TOKEN_TYPE);
  });
});
