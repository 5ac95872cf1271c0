import { generateKeyPairSync } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { getCredential, listCredentials, limitMessage } from '@/lib/data/credential-queries';
import { listCredentialEvents } from '@/lib/data/credential-usage';
import { createPublicKey } from '@/lib/data/public-key-commands';
import { createTrustedWorkload } from '@/lib/data/workload-commands';
import {
  setCredentialScopes,
  activateCredential,
  deactivateCredential,
  deleteCredential,
  renameCredential,
} from '@/lib/data/credential-commands';
import { createSecret, makeDecoy, rollSecret } from '@/lib/data/secret-commands';
import { PRIVATE_KEY_MESSAGE } from '@/lib/credentials/public-key';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { organizationWithAdmin } from '../helpers/fixtures';

type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;

const WORKLOAD = {
  issuer: 'https://token.actions.githubusercontent.com',
  audience: 'https://portal.example/api/v1',
  subject: 'repo:acme/payments:ref:refs/heads/main',
};

function ecKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    jwk: publicKey.export({ format: 'jwk' }),
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

const viewerOf = (org: Org) => ({ ...org.actor, membership: { ...org.actor.membership!, role: 'VIEWER' as const } });

async function rowOf(id: string) {
  return prisma.credential.findUniqueOrThrow({ where: { id } });
}

async function eventsOf(org: Org, id: string) {
  return (await listCredentialEvents({ organizationId: org.org.id, credentialId: id })) ?? [];
}

async function credentialCount(org: Org) {
  return prisma.credential.count({ where: { oauthClient: { organizationId: org.org.id } } });
}

const saved = { ...process.env };
afterEach(() => {
  for (const name of ['OAUTH_ALLOW_LOOPBACK_HTTP', 'MAX_SECRETS_PER_CLIENT']) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe('public keys', () => {
  it('adds a pasted key disabled, as a public JWK with alg and kid, named and audited', async () => {
    const org = await organizationWithAdmin();
    const key = ecKey();
    const created = await createPublicKey({ actor: org.actor, key: key.pem, scopes: ['api'] });
    if (!created.ok) throw new Error(created.message);
    const { credential } = created;
    expect(credential).toMatchObject({ kind: 'PUBLIC_KEY', status: 'DISABLED', name: 'Public key 1', scopes: ['api'] });
    expect(credential.preview).toMatch(/^ES256 · \S+…\S+$/);

    const row = await rowOf(credential.id);
    expect(row.publicJwk).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: key.jwk.x,
      y: key.jwk.y,
      alg: 'ES256',
      kid: expect.any(String),
    });
    expect(row.jwksUrl).toBeNull();
    // Nobody holds a value for a key: its hash is only a cache key, unlike every other.
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);

    const [event] = await eventsOf(org, credential.id);
    expect(event).toMatchObject({
      action: 'created',
      actorName: org.actor.name,
      details: { kind: 'PUBLIC_KEY', scopes: ['api'], alg: 'ES256', kid: (row.publicJwk as { kid: string }).kid },
    });
    expect((await listCredentials({ organizationId: org.org.id })).map((item) => item.id)).toEqual([credential.id]);
  });

  it('adds a JWKS URL (https only; http on loopback only under the test setting), previewed by host and path', async () => {
    const org = await organizationWithAdmin();
    const created = await createPublicKey({
      actor: org.actor,
      name: 'Payments service',
      jwksUrl: ' https://keys.acme.example/.well-known/jwks.json ',
    });
    expect(created).toMatchObject({
      ok: true,
      credential: {
        name: 'Payments service',
        preview: 'keys.acme.example/.well-known/jwks.json',
        jwksUrl: 'https://keys.acme.example/.well-known/jwks.json',
        scopes: ['sdk', 'api'],
      },
    });

    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    const local = 'http://127.0.0.1:4010/jwks.json';
    expect(await createPublicKey({ actor: org.actor, jwksUrl: local })).toEqual({
      ok: false,
      code: 'invalid_input',
      message: 'Use an https:// URL.',
      field: 'jwksUrl',
    });
    expect(await createPublicKey({ actor: org.actor, jwksUrl: 'http://keys.acme.example/jwks' })).toMatchObject({
      field: 'jwksUrl',
    });
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    expect((await createPublicKey({ actor: org.actor, jwksUrl: local })).ok).toBe(true);
    expect(await createPublicKey({ actor: org.actor, jwksUrl: 'http://keys.acme.example/jwks' })).toMatchObject({
      ok: false,
      field: 'jwksUrl',
    });
    expect(
      await createPublicKey({ actor: org.actor, jwksUrl: 'https://user:pw@keys.acme.example/jwks' }),
    ).toMatchObject({ ok: false, message: 'Remove the user name and password from the URL.' });
  });

  it('shows a pasted RSA key on its detail page with the bits its modulus has', async () => {
    const org = await organizationWithAdmin();
    const key = generateKeyPairSync('rsa', { modulusLength: 3070 }).publicKey.export({ type: 'spki', format: 'pem' });
    const created = await createPublicKey({ actor: org.actor, key: key.toString() });
    if (!created.ok) throw new Error(created.message);
    const detail = await getCredential({ organizationId: org.org.id, credentialId: created.credential.id });
    expect(detail?.publicKey).toMatchObject({ alg: 'RS256', type: 'RSA 3070 bits' });
  });

  it('blocks a JWKS URL or workload issuer whose host is a loopback, private or metadata address', async () => {
    const org = await organizationWithAdmin();
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    for (const [host, range] of [
      ['127.0.0.1', 'loopback'],
      ['2130706433', 'loopback'],
      ['[::ffff:127.0.0.1]', 'loopback'],
      ['[::1]', 'loopback'],
      ['10.0.0.1', 'private'],
      ['169.254.169.254', 'link-local'],
    ]) {
      const message = expect.stringMatching(
        new RegExp(`^The server fetches only from public hosts: .* is an? ${range}\\b`),
      );
      expect(await createPublicKey({ actor: org.actor, jwksUrl: `https://${host}/jwks.json` })).toMatchObject({
        ok: false,
        field: 'jwksUrl',
        message,
      });
      expect(await createTrustedWorkload({ actor: org.actor, ...WORKLOAD, issuer: `https://${host}` })).toMatchObject({
        ok: false,
        fieldErrors: { issuer: message },
      });
    }
    expect(await credentialCount(org)).toBe(0);
  });

  it('blocks private keys, unusable keys and ambiguous input, storing nothing', async () => {
    const org = await organizationWithAdmin();
    const key = ecKey();
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' });
    const cases: [Parameters<typeof createPublicKey>[0], string, string][] = [
      [{ actor: org.actor, key: key.privatePem }, 'key', PRIVATE_KEY_MESSAGE],
      [{ actor: org.actor, key: JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }) }, 'key', 'symmetric key'],
      [{ actor: org.actor, key: weak.toString() }, 'key', '1024 bits'],
      [{ actor: org.actor, key: JSON.stringify({ ...key.jwk, alg: 'none' }) }, 'key', '"none" is not accepted'],
      [{ actor: org.actor, key: 'not a key' }, 'key', 'neither a JWK'],
      [{ actor: org.actor, key: key.pem, jwksUrl: 'https://keys.example/jwks' }, 'key', 'not both'],
      [{ actor: org.actor, key: '  ' }, 'key', 'Paste a public key'],
      [{ actor: org.actor, key: key.pem, scopes: [] }, 'scopes', 'Choose at least one scope.'],
      [{ actor: org.actor, key: key.pem, scopes: ['admin'] }, 'scopes', ''],
      [{ actor: org.actor, key: key.pem, name: 'a\u0000b' }, 'name', 'invisible characters'],
    ];
    for (const [input, field, message] of cases) {
      const result = await createPublicKey(input);
      expect(result, message).toMatchObject({ ok: false, code: 'invalid_input', field });
      if (!result.ok) expect(result.message).toContain(message);
    }
    expect(await credentialCount(org)).toBe(0);
  });

  it('blocks a key or URL the client already has, whatever its format or kid, until that one is deleted', async () => {
    const org = await organizationWithAdmin();
    const key = ecKey();
    const first = await createPublicKey({ actor: org.actor, name: 'Laptop', key: key.pem });
    if (!first.ok) throw new Error(first.message);
    const again = await createPublicKey({ actor: org.actor, key: JSON.stringify({ ...key.jwk, kid: 'another-kid' }) });
    expect(again).toEqual({ ok: false, code: 'conflict', message: 'This key is already added as “Laptop”.' });

    // Two live keys may not share a kid: an assertion names its key by kid.
    const named = await createPublicKey({
      actor: org.actor,
      name: 'Named',
      key: JSON.stringify({ ...ecKey().jwk, kid: 'k1' }),
    });
    expect(named.ok).toBe(true);
    expect(await createPublicKey({ actor: org.actor, key: JSON.stringify({ ...ecKey().jwk, kid: 'k1' }) })).toEqual({
      ok: false,
      code: 'conflict',
      message: 'The key “Named” already uses the kid “k1”. Give this key another kid, or leave the kid out.',
    });

    // Another organization may add the same public key (it is public).
    expect((await createPublicKey({ actor: (await organizationWithAdmin()).actor, key: key.pem })).ok).toBe(true);

    await deleteCredential({ actor: org.actor, credentialId: first.credential.id });
    expect((await createPublicKey({ actor: org.actor, key: key.pem })).ok).toBe(true);

    const url = 'https://keys.acme.example/jwks.json';
    expect((await createPublicKey({ actor: org.actor, name: 'Published', jwksUrl: url })).ok).toBe(true);
    expect(await createPublicKey({ actor: org.actor, jwksUrl: url })).toMatchObject({
      code: 'conflict',
      message: 'This JWKS URL is already added as “Published”.',
    });
    expect(await createPublicKey({ actor: org.actor, name: 'Laptop', key: ecKey().pem })).toMatchObject({
      code: 'conflict',
      field: 'name',
      message: expect.stringContaining('already named “Laptop”'),
    });
    // Renaming a key to a name any credential has is refused at the name field, in words that fit a key.
    const renamed = await createPublicKey({ actor: org.actor, key: ecKey().pem });
    if (!renamed.ok) throw new Error(renamed.message);
    expect(
      await renameCredential({ actor: org.actor, credentialId: renamed.credential.id, name: 'Published' }),
    ).toMatchObject({
      code: 'conflict',
      field: 'name',
      message: 'Another credential of this account is already named “Published”. Choose another name.',
    });
  });

  it('follows the lifecycle of a secret, in its own words, but is never rolled or made a decoy', async () => {
    const org = await organizationWithAdmin();
    const created = await createPublicKey({ actor: org.actor, key: ecKey().pem });
    if (!created.ok) throw new Error(created.message);
    const credentialId = created.credential.id;

    expect(await makeDecoy({ actor: org.actor, credentialId })).toEqual({
      ok: false,
      code: 'conflict',
      message: 'Only a secret can become a decoy.',
    });
    expect(await activateCredential({ actor: org.actor, credentialId })).toMatchObject({ ok: true, status: 'ACTIVE' });
    expect(await activateCredential({ actor: org.actor, credentialId })).toMatchObject({
      message: 'This public key is already active.',
    });
    expect(await rollSecret({ actor: org.actor, credentialId, graceSeconds: 0 })).toEqual({
      ok: false,
      code: 'conflict',
      message: 'Only a secret can be rolled. Add a new key or workload instead.',
    });
    expect((await rowOf(credentialId)).isDecoy).toBe(false);
    expect(await deleteCredential({ actor: org.actor, credentialId })).toMatchObject({
      message: 'Deactivate this public key before deleting it.',
    });
    expect((await deactivateCredential({ actor: org.actor, credentialId })).ok).toBe(true);
    expect((await deleteCredential({ actor: org.actor, credentialId })).ok).toBe(true);
    expect((await eventsOf(org, credentialId)).map((event) => event.action)).toEqual([
      'deleted',
      'deactivated',
      'activated',
      'created',
    ]);
  });
});

describe('trusted workloads', () => {
  it('adds a workload disabled, stored exactly as typed (trimmed), previewed by its subject and audited', async () => {
    const org = await organizationWithAdmin();
    const created = await createTrustedWorkload({
      actor: org.actor,
      issuer: `  ${WORKLOAD.issuer}  `,
      audience: ` ${WORKLOAD.audience}`,
      subject: `${WORKLOAD.subject} `,
      scopes: ['api'],
    });
    if (!created.ok) throw new Error(created.message);
    expect(created.credential).toMatchObject({
      kind: 'WORKLOAD',
      status: 'DISABLED',
      name: 'Workload 1',
      preview: WORKLOAD.subject,
      workloadIssuer: WORKLOAD.issuer,
      workloadAudience: WORKLOAD.audience,
      workloadSubject: WORKLOAD.subject,
      scopes: ['api'],
    });
    const [event] = await eventsOf(org, created.credential.id);
    expect(event).toMatchObject({ action: 'created', details: { kind: 'WORKLOAD', scopes: ['api'], ...WORKLOAD } });

    // A trailing slash is another issuer (the token's iss must match exactly), so it is kept, not normalized.
    const slash = await createTrustedWorkload({ actor: org.actor, ...WORKLOAD, issuer: `${WORKLOAD.issuer}/` });
    expect(slash.ok && slash.credential.workloadIssuer).toBe(`${WORKLOAD.issuer}/`);
    expect(await createTrustedWorkload({ actor: org.actor, ...WORKLOAD })).toMatchObject({
      code: 'conflict',
      message: 'This workload is already trusted as “Workload 1”.',
    });
  });

  it('blocks issuers that are not https (http only on loopback under the test setting), each error by its field', async () => {
    const org = await organizationWithAdmin();
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    const local = { ...WORKLOAD, issuer: 'http://localhost:4020' };
    expect(await createTrustedWorkload({ actor: org.actor, ...local })).toMatchObject({
      ok: false,
      code: 'invalid_input',
      fieldErrors: { issuer: 'Use an https:// URL.' },
    });
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    expect((await createTrustedWorkload({ actor: org.actor, ...local })).ok).toBe(true);
    expect(
      await createTrustedWorkload({ actor: org.actor, ...WORKLOAD, issuer: 'http://issuer.example' }),
    ).toMatchObject({ fieldErrors: { issuer: 'Use an https:// URL.' } });

    expect(
      await createTrustedWorkload({
        actor: org.actor,
        issuer: 'https://issuer.example/?tenant=1',
        audience: '',
        subject: '*',
      }),
    ).toMatchObject({
      ok: false,
      fieldErrors: {
        issuer: 'Remove the ?query from the issuer URL.',
        audience: 'Enter the audience.',
        subject: expect.stringContaining('Keep the owner literal'),
      },
    });
    expect(
      await createTrustedWorkload({ actor: org.actor, ...WORKLOAD, audience: 'a'.repeat(257), subject: 'repo:\u0007' }),
    ).toMatchObject({
      fieldErrors: {
        audience: 'Use at most 256 characters.',
        subject: 'Remove control or invisible characters from the subject pattern.',
      },
    });
    expect(await credentialCount(org)).toBe(1);
  });
});

describe('every kind', () => {
  it('counts the limit per kind, and refuses one too many of a kind in its own words', async () => {
    process.env.MAX_SECRETS_PER_CLIENT = '2';
    const org = await organizationWithAdmin();
    await org.secret('DISABLED');
    await org.secret('DISABLED');
    expect(await createSecret({ actor: org.actor })).toEqual({
      ok: false,
      code: 'conflict',
      message: limitMessage('SECRET'),
    });
    expect((await createPublicKey({ actor: org.actor, key: ecKey().pem })).ok).toBe(true);
    expect((await createPublicKey({ actor: org.actor, key: ecKey().pem })).ok).toBe(true);
    const third = await createPublicKey({ actor: org.actor, key: ecKey().pem });
    expect(third).toEqual({ ok: false, code: 'conflict', message: limitMessage('PUBLIC_KEY') });
    expect(limitMessage('PUBLIC_KEY')).toBe(
      'Your account already has 2 public keys, the most allowed. Delete a public key you no longer use to add another.',
    );
    const workloads = await Promise.all(
      ['a', 'b', 'c'].map((repo) =>
        createTrustedWorkload({ actor: org.actor, ...WORKLOAD, subject: `repo:acme/${repo}:*` }),
      ),
    );
    // Concurrent creates count one after another under the client lock: exactly two fit.
    expect(workloads.filter((result) => result.ok)).toHaveLength(2);
    expect(workloads.filter((result) => !result.ok)).toEqual([
      { ok: false, code: 'conflict', message: limitMessage('WORKLOAD') },
    ]);
  });

  it('blocks a viewer from creating any kind, and makes another organization’s credential look not found', async () => {
    const org = await organizationWithAdmin();
    const viewer = viewerOf(org);
    const forbidden = { ok: false, code: 'forbidden' };
    expect(await createPublicKey({ actor: viewer, key: ecKey().pem })).toMatchObject(forbidden);
    expect(await createTrustedWorkload({ actor: viewer, ...WORKLOAD })).toMatchObject(forbidden);
    expect(await createSecret({ actor: viewer, scopes: ['api'] })).toMatchObject(forbidden);
    expect(await credentialCount(org)).toBe(0);

    const created = await createTrustedWorkload({ actor: org.actor, ...WORKLOAD });
    if (!created.ok) throw new Error(created.message);
    const credentialId = created.credential.id;
    expect(await setCredentialScopes({ actor: viewer, credentialId, scopes: ['sdk'] })).toMatchObject(forbidden);
    const other = await organizationWithAdmin();
    expect(await setCredentialScopes({ actor: other.actor, credentialId, scopes: ['sdk'] })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await activateCredential({ actor: other.actor, credentialId })).toMatchObject({ code: 'not_found' });
    expect((await rowOf(credentialId)).scopes).toEqual(['sdk', 'api']);
  });

  it('changes scopes of any kind, audited from and to; refuses none or unknown ones, and records no non-change', async () => {
    const org = await organizationWithAdmin();
    const secret = await org.secret('ACTIVE');
    const key = await createPublicKey({ actor: org.actor, key: ecKey().pem });
    if (!key.ok) throw new Error(key.message);

    for (const credentialId of [secret.id, key.credential.id]) {
      expect(await setCredentialScopes({ actor: org.actor, credentialId, scopes: ['api', 'api'] })).toEqual({
        ok: true,
        scopes: ['api'],
      });
      expect((await rowOf(credentialId)).scopes).toEqual(['api']);
      expect(await setCredentialScopes({ actor: org.actor, credentialId, scopes: [] })).toEqual({
        ok: false,
        code: 'invalid_input',
        message: 'Choose at least one scope.',
        field: 'scopes',
      });
      expect(await setCredentialScopes({ actor: org.actor, credentialId, scopes: ['admin'] })).toMatchObject({
        ok: false,
        field: 'scopes',
      });
      expect((await setCredentialScopes({ actor: org.actor, credentialId, scopes: ['api'] })).ok).toBe(true);
      const changes = (await eventsOf(org, credentialId)).filter((event) => event.action === 'scopes_changed');
      expect(changes.map((event) => event.details)).toEqual([{ from: ['sdk', 'api'], to: ['api'] }]);
    }
  });

  it('creates a restricted secret whose tokens carry only its scopes, and whose replacement keeps them', async () => {
    const org = await organizationWithAdmin();
    const created = await createSecret({ actor: org.actor, scopes: ['api'] });
    if (!created.ok) throw new Error(created.message);
    expect(created.secret.scopes).toEqual(['api']);
    expect((await eventsOf(org, created.secret.id))[0]?.details).toEqual({ kind: 'SECRET', scopes: ['api'] });
    await activateCredential({ actor: org.actor, credentialId: created.secret.id });

    const token = (scope?: string) =>
      handleTokenRequest({
        contentType: 'application/x-www-form-urlencoded',
        authorization: null,
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: org.clientId,
          client_secret: created.plaintext,
          ...(scope ? { scope } : {}),
        }).toString(),
        address: '198.51.100.7',
        userAgent: 'sdk/1',
      });
    const allowed = await token();
    expect(allowed.status).toBe(200);
    expect(JSON.parse(allowed.body).scope).toBe('api');
    const refused = await token('sdk');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body).error).toBe('invalid_scope');

    const rolled = await rollSecret({ actor: org.actor, credentialId: created.secret.id, graceSeconds: 0 });
    expect(rolled.ok && rolled.secret.scopes).toEqual(['api']);
    // The one-click secret keeps allowing every scope.
    const plain = await createSecret({ actor: org.actor });
    expect(plain.ok && plain.secret.scopes).toEqual(['sdk', 'api']);
  });
});
