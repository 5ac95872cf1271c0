// The request log: every request to the OAuth endpoints is answered with a Request-Id, and its outcome and
// reason are recorded for the client's organization, with the credential where one is known. Each reason is
// produced here by a real request; the bounds are checked under a flood.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { credentialChanges } from '@/lib/db/credential-changes';
import { findRequest, listRequests, requestTotals, writeRequestLogBatch } from '@/lib/data/request-log';
import { setAllowedCidrs, setCredentialScopes } from '@/lib/data/credential-commands';
import { makeDecoy } from '@/lib/data/secret-commands';
import { handleIntrospectionRequest } from '@/lib/oauth/introspection-endpoint';
import { handleRevocationRequest } from '@/lib/oauth/revocation-endpoint';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { DETAILED_REFUSALS_PER_CLIENT_PER_MINUTE, RequestLogCollector, requestLog } from '@/lib/oauth/request-log';
import { JWT_BEARER_ASSERTION } from '@/lib/oauth/token-request';
import type { TokenEndpointRequest } from '@/lib/oauth/token-request';
import { REQUEST_ID_PATTERN, newRequestId } from '@/lib/request-log/request-id';
import type { RefusalReason } from '@/lib/request-log/reasons';
import { organizationWithAdmin } from '../helpers/fixtures';
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer';
import { startTokenServer } from '../helpers/token-server';

process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
process.env.OAUTH_FETCH_TIMEOUT_MS = '500';

type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;
const FORM = 'application/x-www-form-urlencoded';
const TOKEN_ENDPOINT = 'http://auth.test/api/oauth/token';
const AUDIENCE = 'https://console.example.com/workloads';

let acme: Org;
let other: Org;
let issuer: OidcIssuer;
/** A loopback port nothing listens on: an unreachable JWKS URL or issuer. */
let closedPort: number;

beforeAll(async () => {
  acme = await organizationWithAdmin('Acme');
  other = await organizationWithAdmin('Other');
  issuer = await startOidcIssuer();
  const probe = http.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});
afterAll(async () => {
  await issuer.stop();
});

// Each request comes from its own address, so that the failure limiter's per-address count never mixes tests.
let addressCounter = 1;
const nextAddress = () => `203.0.113.${addressCounter++}`;

type Handler = (raw: TokenEndpointRequest) => Promise<{ status: number }>;

/** Sends a request to a handler and returns what the log recorded for it, after one flush. */
async function logged(
  params: Record<string, string>,
  {
    handler = handleTokenRequest as Handler,
    authorization = null,
    contentType = FORM,
    address = nextAddress(),
  }: { handler?: Handler; authorization?: string | null; contentType?: string; address?: string } = {},
) {
  const requestId = newRequestId();
  const response = await handler({
    contentType,
    authorization,
    body: new URLSearchParams(params).toString(),
    address,
    userAgent: 'sdk-test/1.0',
    requestId,
  });
  await requestLog.flush();
  const entry = await prisma.requestLogEntry.findUnique({ where: { id: requestId } });
  return { status: response.status, entry, requestId, address };
}

const secretRequest = (org: Org, secret: string, extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_id: org.clientId,
  client_secret: secret,
  ...extra,
});

/** Expects the request to be logged as refused for `reason`, for acme, with `credentialId` (null: the client only). */
function expectRefusal(
  entry: Awaited<ReturnType<typeof logged>>['entry'],
  reason: RefusalReason,
  credentialId: string | null,
  org: Org = acme,
) {
  expect(entry).toMatchObject({
    organizationId: org.org.id,
    credentialId,
    outcome: 'refused',
    reason,
    userAgent: 'sdk-test/1.0',
  });
}

/** Changes a credential's row and waits until every cache has forgotten it. */
async function change(credentialId: string, data: Parameters<typeof prisma.credential.update>[0]['data']) {
  const { secretHash } = await prisma.credential.findUniqueOrThrow({ where: { id: credentialId } });
  await credentialChanges.change(
    secretHash,
    () => prisma.credential.update({ where: { id: credentialId }, data }),
    () => true,
  );
}

describe('Request-Id', () => {
  it('is on every answer of the token, revocation and introspection endpoints, the fast path included', async () => {
    const server = await startTokenServer();
    try {
      const secret = await acme.secret('ACTIVE');
      const answers = await Promise.all([
        fetch(server.url, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: new URLSearchParams(secretRequest(acme, secret.value)),
        }),
        fetch(server.url, { method: 'POST', headers: { 'content-type': FORM }, body: 'grant_type=client_credentials' }),
        fetch(server.url, { method: 'GET' }),
        fetch(`${server.base}/api/oauth/revoke`, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: 'token=x',
        }),
        fetch(`${server.base}/api/oauth/introspect`, {
          method: 'POST',
          headers: { 'content-type': FORM },
          body: 'token=x',
        }),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([200, 401, 405, 401, 401]);
      const ids = answers.map((answer) => answer.headers.get('request-id'));
      for (const id of ids) expect(id).toMatch(REQUEST_ID_PATTERN);
      expect(new Set(ids).size).toBe(ids.length);
      // The bodies stay exactly RFC 6749.
      expect(Object.keys(await answers[0]!.json()).sort()).toEqual([
        'access_token',
        'expires_in',
        'jti',
        'scope',
        'token_type',
      ]);
      expect(await answers[1]!.json()).toEqual({ error: 'invalid_client', error_description: expect.any(String) });
    } finally {
      await server.close();
    }
  });

  it('is 22 base62 characters after req_, each one equally likely to be any of the 62', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) for (const c of newRequestId().slice(4)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (20_000 * 22) / 62;
    for (const count of counts.values()) expect(Math.abs(count - expected) / expected).toBeLessThan(0.1);
  });
});

describe('records a success', () => {
  it('with its credential, address, user agent and endpoint', async () => {
    const secret = await acme.secret('ACTIVE');
    const { status, entry, address } = await logged(secretRequest(acme, secret.value));
    expect(status).toBe(200);
    expect(entry).toMatchObject({
      organizationId: acme.org.id,
      credentialId: secret.id,
      endpoint: 'token',
      outcome: 'success',
      reason: null,
      status: 200,
      address,
    });
  });
});

describe('records each reason a secret is refused for', () => {
  it('secret_not_matched: a wrong secret is the client’s, not a credential’s', async () => {
    const { status, entry } = await logged(secretRequest(acme, `sk_live_${'a'.repeat(40)}`));
    expect(status).toBe(401);
    expectRefusal(entry, 'secret_not_matched', null);
  });

  it('secret_not_matched: another organization’s secret with this Client ID is never attributed to it', async () => {
    const theirs = await other.secret('ACTIVE');
    const { entry } = await logged(secretRequest(acme, theirs.value));
    expectRefusal(entry, 'secret_not_matched', null);
    expect(await listRequests({ organizationId: other.org.id, credentialId: theirs.id })).toEqual([]);
  });

  it('credential_disabled and credential_deleted', async () => {
    const disabled = await acme.secret('DISABLED');
    expectRefusal((await logged(secretRequest(acme, disabled.value))).entry, 'credential_disabled', disabled.id);
    const deleted = await acme.secret('DELETED');
    expectRefusal((await logged(secretRequest(acme, deleted.value))).entry, 'credential_deleted', deleted.id);
  });

  it('credential_expired and credential_rolled_out', async () => {
    const expired = await acme.secret('ACTIVE');
    await change(expired.id, { expiresAt: new Date(Date.now() - 1000) });
    expectRefusal((await logged(secretRequest(acme, expired.value))).entry, 'credential_expired', expired.id);
    const rolled = await acme.secret('ACTIVE');
    await change(rolled.id, { deactivateAt: new Date(Date.now() - 1000) });
    expectRefusal((await logged(secretRequest(acme, rolled.value))).entry, 'credential_rolled_out', rolled.id);
  });

  it('address_not_allowed', async () => {
    const secret = await acme.secret('ACTIVE');
    await setAllowedCidrs({ actor: acme.actor, credentialId: secret.id, cidrs: ['10.0.0.0/8'] });
    const { entry, address } = await logged(secretRequest(acme, secret.value));
    expectRefusal(entry, 'address_not_allowed', secret.id);
    expect(entry?.address).toBe(address);
  });

  it('scope_not_allowed, with the scopes refused', async () => {
    const secret = await acme.secret('ACTIVE');
    await setCredentialScopes({ actor: acme.actor, credentialId: secret.id, scopes: ['sdk'] });
    const { status, entry } = await logged(secretRequest(acme, secret.value, { scope: 'sdk api' }));
    expect(status).toBe(400);
    expectRefusal(entry, 'scope_not_allowed', secret.id);
    expect(entry?.scopes).toEqual(['api']);
  });

  it('decoy_used', async () => {
    const decoy = await acme.secret('DISABLED');
    expect((await makeDecoy({ actor: acme.actor, credentialId: decoy.id })).ok).toBe(true);
    const { entry } = await logged(secretRequest(acme, decoy.value));
    expectRefusal(entry, 'decoy_used', decoy.id);
  });

  it('malformed_request and unsupported_grant_type, attributed to the Client ID the request named', async () => {
    const basic = `Basic ${Buffer.from(`${acme.clientId}:x`).toString('base64')}`;
    const wrongType = await logged(
      { grant_type: 'client_credentials' },
      { authorization: basic, contentType: 'text/plain' },
    );
    expect(wrongType.status).toBe(400);
    expectRefusal(wrongType.entry, 'malformed_request', null);
    const password = await logged({ grant_type: 'password', client_id: acme.clientId });
    expectRefusal(password.entry, 'unsupported_grant_type', null);
  });

  it('rate_limited, once the failure limiter answers 429', async () => {
    const limited = await organizationWithAdmin();
    const address = nextAddress();
    let last: Awaited<ReturnType<typeof logged>> | undefined;
    for (let attempt = 0; attempt < 40 && last?.status !== 429; attempt++)
      last = await logged(secretRequest(limited, `sk_live_${'b'.repeat(40)}`), { address });
    expect(last?.status).toBe(429);
    expectRefusal(last!.entry, 'rate_limited', null, limited);
  });
});

describe('records each reason a client assertion is refused for', () => {
  async function addKey(org: Org, fields: { publicJwk?: object; jwksUrl?: string; allowedCidrs?: string[] }) {
    const row = await prisma.credential.create({
      data: {
        oauthClientId: org.org.oauthClient!.id,
        kind: 'PUBLIC_KEY',
        status: 'ACTIVE',
        activatedAt: new Date(),
        secretHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
        preview: 'ES256',
        name: `Key ${randomUUID().slice(0, 8)}`,
        ...fields,
      },
    });
    // Nothing of this client is cached yet by this file's requests; forget it anyway.
    await credentialChanges.change(
      row.secretHash,
      async () => row,
      () => true,
    );
    return row.id;
  }

  async function newKey() {
    const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return { privateKey, kid, publicJwk: { ...jwk, alg: 'ES256', kid } };
  }

  function sign(org: Org, key: { privateKey: CryptoKey; kid: string }, claims: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: org.clientId,
      sub: org.clientId,
      aud: TOKEN_ENDPOINT,
      jti: randomUUID(),
      iat: now,
      exp: now + 60,
      ...claims,
    })
      .setProtectedHeader({ alg: 'ES256', kid: key.kid })
      .sign(key.privateKey);
  }

  const assertionRequest = (assertion: string) => ({
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER_ASSERTION,
    client_assertion: assertion,
  });

  it('no_active_key, then each rule of the assertion', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey();
    expectRefusal((await logged(assertionRequest(await sign(org, key)))).entry, 'no_active_key', null, org);

    const keyId = await addKey(org, { publicJwk: key.publicJwk });
    const ok = await logged(assertionRequest(await sign(org, key)));
    expect(ok.entry).toMatchObject({ outcome: 'success', credentialId: keyId });

    const expired = await sign(org, key, { exp: Math.floor(Date.now() / 1000) - 120 });
    expectRefusal((await logged(assertionRequest(expired))).entry, 'assertion_expired', null, org);
    const audience = await sign(org, key, { aud: 'https://elsewhere.example' });
    expectRefusal((await logged(assertionRequest(audience))).entry, 'assertion_wrong_audience', null, org);
    const noJti = await sign(org, key, { jti: undefined });
    expectRefusal((await logged(assertionRequest(noJti))).entry, 'assertion_invalid', null, org);
    expectRefusal(
      (await logged({ ...assertionRequest('not.a.jwt'), client_id: org.clientId })).entry,
      'assertion_invalid',
      null,
      org,
    );

    const stranger = await newKey();
    expectRefusal((await logged(assertionRequest(await sign(org, stranger)))).entry, 'unknown_key_id', null, org);
    const forged = await sign(org, { privateKey: stranger.privateKey, kid: key.kid });
    expectRefusal((await logged(assertionRequest(forged))).entry, 'assertion_bad_signature', null, org);

    const once = await sign(org, key);
    expect((await logged(assertionRequest(once))).entry?.outcome).toBe('success');
    expectRefusal((await logged(assertionRequest(once))).entry, 'assertion_replayed', keyId, org);
  });

  it('address_not_allowed and jwks_unreachable, attributed to the key', async () => {
    const org = await organizationWithAdmin();
    const key = await newKey();
    const keyId = await addKey(org, { publicJwk: key.publicJwk, allowedCidrs: ['10.0.0.0/8'] });
    expectRefusal((await logged(assertionRequest(await sign(org, key)))).entry, 'address_not_allowed', keyId, org);

    const remote = await organizationWithAdmin();
    const remoteId = await addKey(remote, { jwksUrl: `http://127.0.0.1:${closedPort}/jwks.json` });
    expectRefusal(
      (await logged(assertionRequest(await sign(remote, key)))).entry,
      'jwks_unreachable',
      remoteId,
      remote,
    );
  });
});

describe('records each reason a token exchange is refused for', () => {
  async function workload(org: Org, fields: { issuer?: string; allowedCidrs?: string[] } = {}) {
    const row = await prisma.credential.create({
      data: {
        oauthClientId: org.org.oauthClient!.id,
        kind: 'WORKLOAD',
        status: 'ACTIVE',
        activatedAt: new Date(),
        name: `Workload ${randomUUID().slice(0, 8)}`,
        secretHash: createHash('sha256').update(randomBytes(32)).digest('hex'),
        preview: 'repo:acme/*',
        workloadIssuer: fields.issuer ?? issuer.url,
        workloadAudience: AUDIENCE,
        workloadSubject: 'repo:acme/*',
        allowedCidrs: fields.allowedCidrs ?? [],
      },
    });
    return row.id;
  }

  const exchange = (org: Org, subjectToken: string) => ({
    grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
    client_id: org.clientId,
    subject_token: subjectToken,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  });

  it('subject_token_invalid, subject_not_trusted, issuer_unreachable, address_not_allowed, and a success', async () => {
    const org = await organizationWithAdmin();
    const id = await workload(org);
    const good = await issuer.issue({ sub: 'repo:acme/payments', aud: AUDIENCE });
    expect((await logged(exchange(org, good))).entry).toMatchObject({ outcome: 'success', credentialId: id });

    expectRefusal((await logged(exchange(org, 'garbage'))).entry, 'subject_token_invalid', null, org);
    const wrongSubject = await issuer.issue({ sub: 'repo:mallory/tools', aud: AUDIENCE });
    expectRefusal((await logged(exchange(org, wrongSubject))).entry, 'subject_not_trusted', null, org);
    const expired = await issuer.issue({
      sub: 'repo:acme/payments',
      aud: AUDIENCE,
      exp: Math.floor(Date.now() / 1000) - 600,
    });
    expectRefusal((await logged(exchange(org, expired))).entry, 'subject_token_invalid', null, org);

    const fenced = await organizationWithAdmin();
    const fencedId = await workload(fenced, { allowedCidrs: ['10.0.0.0/8'] });
    expectRefusal((await logged(exchange(fenced, good))).entry, 'address_not_allowed', fencedId, fenced);

    const dead = await organizationWithAdmin();
    const deadIssuer = `http://127.0.0.1:${closedPort}`;
    await workload(dead, { issuer: deadIssuer });
    const token = await new SignJWT({ sub: 'repo:acme/payments', aud: AUDIENCE })
      .setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setIssuer(deadIssuer)
      .setExpirationTime('5m')
      .sign((await generateKeyPair('ES256')).privateKey);
    expectRefusal((await logged(exchange(dead, token))).entry, 'issuer_unreachable', null, dead);
  });
});

describe('records the revocation and introspection endpoints', () => {
  it('successes, and token_of_another_client', async () => {
    const mine = await acme.secret('ACTIVE');
    const theirs = await other.secret('ACTIVE');
    const issued = await handleTokenRequest({
      contentType: FORM,
      authorization: null,
      body: new URLSearchParams(secretRequest(acme, mine.value)).toString(),
      address: nextAddress(),
    });
    const { access_token: token } = JSON.parse(issued.body) as { access_token: string };

    const introspected = await logged(
      { token, client_id: acme.clientId, client_secret: mine.value },
      { handler: handleIntrospectionRequest },
    );
    expect(introspected.entry).toMatchObject({ endpoint: 'introspection', outcome: 'success', credentialId: mine.id });

    const foreign = await logged(
      { token, client_id: other.clientId, client_secret: theirs.value },
      { handler: handleRevocationRequest },
    );
    expect(foreign.status).toBe(400);
    expectRefusal(foreign.entry, 'token_of_another_client', theirs.id, other);
    expect(foreign.entry?.endpoint).toBe('revocation');

    const revoked = await logged(
      { token, client_id: acme.clientId, client_secret: mine.value },
      { handler: handleRevocationRequest },
    );
    expect(revoked.entry).toMatchObject({ endpoint: 'revocation', outcome: 'success', credentialId: mine.id });
  });
});

describe('keeps organizations apart', () => {
  it('counts a Client ID no organization has per address only', async () => {
    const clientId = `no-such-client-${randomUUID()}`;
    const address = nextAddress();
    for (let i = 0; i < 3; i++) {
      const { entry } = await logged(secretRequest({ clientId } as Org, `sk_live_${'c'.repeat(40)}`), { address });
      expect(entry).toBeNull();
    }
    const rows = await prisma.unknownClientRequest.findMany({ where: { address } });
    expect(rows.reduce((sum, row) => sum + row.count, 0)).toBe(3);
  });

  it('never shows one organization’s requests to another', async () => {
    const secret = await acme.secret('DISABLED');
    const { requestId } = await logged(secretRequest(acme, secret.value));
    expect(await findRequest({ organizationId: acme.org.id, requestId })).toMatchObject({ id: requestId });
    expect(await findRequest({ organizationId: other.org.id, requestId })).toBeNull();
    expect(await listRequests({ organizationId: other.org.id, requestId })).toEqual([]);
    expect((await listRequests({ organizationId: acme.org.id, requestId })).map((row) => row.id)).toEqual([requestId]);
  });
});

describe('stays bounded under a flood', () => {
  it('keeps 100 refusals a minute per client in detail and counts every one', async () => {
    const org = await organizationWithAdmin();
    const secret = await org.secret('ACTIVE');
    const lines: string[] = [];
    const collector = new RequestLogCollector({ log: (line) => lines.push(line) });
    const minute = Math.floor(Date.now() / 60_000) * 60_000 - 120_000;
    const base = { endpoint: 'token' as const, userAgent: 'flood/1', status: 401, error: 'invalid_client' };
    for (let i = 0; i < 5_000; i++)
      collector.record(
        {
          ...base,
          requestId: newRequestId(),
          clientId: org.clientId,
          credentialId: null,
          reason: 'secret_not_matched',
          address: `198.18.${i >> 8}.${i & 255}`,
        },
        minute + (i % 50_000),
      );
    for (let i = 0; i < 300; i++)
      collector.record(
        {
          ...base,
          status: 200,
          requestId: newRequestId(),
          clientId: org.clientId,
          credentialId: secret.id,
          reason: null,
          address: '198.51.100.1',
        },
        minute + 1000 + i,
      );
    // Random Client IDs by the ten thousand: counted per address, nothing kept.
    for (let i = 0; i < 30_000; i++)
      collector.record(
        {
          ...base,
          requestId: newRequestId(),
          clientId: `made-up-${i}`,
          credentialId: null,
          reason: 'secret_not_matched',
          address: '192.0.2.66',
        },
        minute + 2000,
      );
    await collector.flush();

    const kept = await prisma.requestLogEntry.groupBy({
      by: ['outcome'],
      where: { organizationId: org.org.id },
      _count: true,
    });
    expect(Object.fromEntries(kept.map((row) => [row.outcome, row._count]))).toEqual({
      refused: DETAILED_REFUSALS_PER_CLIENT_PER_MINUTE,
      // Once per credential, address and minute.
      success: 1,
    });
    expect(await requestTotals({ organizationId: org.org.id, since: new Date(minute - 1) })).toEqual([
      { reason: 'secret_not_matched', count: 5_000 },
      { reason: null, count: 300 },
    ]);
    const unknown = await prisma.unknownClientRequest.findMany({ where: { address: { in: ['192.0.2.66', 'other'] } } });
    expect(unknown.reduce((sum, row) => sum + row.count, 0)).toBe(30_000);
    // One log line per refusal kept in detail, then one saying how many more there were: bounded too.
    expect(lines.length).toBeLessThanOrEqual(601);
    expect(lines[0]).toMatch(
      /^oauth: token refused req_[0-9A-Za-z]{22} 401 invalid_client \(secret_not_matched\) from 198\.18\.0\.0$/,
    );
    expect(lines.join('\n')).not.toContain(org.clientId);
  });

  it('writes a batch whose Client IDs are unknown without failing, and says which exist', async () => {
    const result = await writeRequestLogBatch({
      entries: [],
      tallies: [
        {
          clientId: acme.clientId,
          credentialId: null,
          reason: 'malformed_request',
          minute: 0,
          count: 1,
          address: null,
        },
        {
          clientId: 'nobody',
          credentialId: null,
          reason: 'malformed_request',
          minute: 0,
          count: 2,
          address: '192.0.2.1',
        },
      ],
      unknownClients: [],
    });
    expect(result).toEqual({ known: [acme.clientId], unknown: ['nobody'] });
  });
});
