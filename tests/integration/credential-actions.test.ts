import { randomUUID } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { getActorByUserId } from '@/lib/data/users';
import { createMember, createOrganization } from '@/lib/data/organizations';
import { hashSecret, isWellFormedSecret } from '@/lib/credentials/format';
import { listCredentials } from '@/lib/data/credential-queries';
import { generateKeyPairSync } from 'node:crypto';
import { PRIVATE_KEY_MESSAGE } from '@/lib/credentials/public-key';

// The session cookie is the one thing a test cannot send: it names the signed-in user,
// whose role and organization the actions then read from the real database.
const session = vi.hoisted(() => ({ userId: null as string | null }));
// A session confirmed just now: re-authentication has its own tests (reauth.test.ts).
vi.mock('@/lib/auth/session', () => ({
  getActor: async () => {
    const actor = session.userId ? await getActorByUserId({ userId: session.userId }) : null;
    return actor && { ...actor, session: { id: randomUUID(), reauthenticatedAt: new Date() } };
  },
}));
const revalidatePath = vi.hoisted(() => vi.fn());
vi.mock('next/cache', () => ({ revalidatePath }));
vi.mock('next/headers', () => ({
  headers: async () => new Headers({ 'user-agent': 'vitest', 'x-forwarded-for': '203.0.113.9' }),
}));

const {
  createSecretAction,
  activateCredentialAction,
  deactivateCredentialAction,
  deleteCredentialAction,
  renameCredentialAction,
  rollSecretAction,
  setAllowedRangesAction,
  setCredentialExpiryAction,
  bulkCredentialsAction,
  getCredentialUsageAction,
  createPublicKeyAction,
  createTrustedWorkloadAction,
  setCredentialScopesAction,
} = await import('@/app/(portal)/credentials/actions');

const NOT_FOUND = 'This secret no longer exists. Reload the page to see the current list.';

let acme: { id: string };
let globex: { id: string };
const users: Record<'admin' | 'viewer' | 'otherAdmin' | 'support', string> = {
  admin: '',
  viewer: '',
  otherAdmin: '',
  support: '',
};

function signInAs(who: keyof typeof users | null) {
  session.userId = who ? users[who] : null;
}

async function statusOf(credentialId: string) {
  return (await prisma.credential.findUniqueOrThrow({ where: { id: credentialId } })).status;
}

async function newSecret(): Promise<{ id: string; plaintext: string }> {
  signInAs('admin');
  const result = await createSecretAction();
  if (!result.ok) throw new Error(result.message);
  return { id: result.secret.id, plaintext: result.plaintext };
}

beforeAll(async () => {
  acme = await createOrganization({ name: 'Acme' });
  globex = await createOrganization({ name: 'Globex' });
  const password = 'a-long-test-password';
  users.admin = (
    await createMember({ organizationId: acme.id, email: 'admin@acme.example', name: 'Ada', password, role: 'ADMIN' })
  ).id;
  users.viewer = (
    await createMember({ organizationId: acme.id, email: 'viewer@acme.example', name: 'Vic', password, role: 'VIEWER' })
  ).id;
  users.otherAdmin = (
    await createMember({
      organizationId: globex.id,
      email: 'admin@globex.example',
      name: 'Gus',
      password,
      role: 'ADMIN',
    })
  ).id;
  users.support = (
    await prisma.user.create({
      data: { email: 'support@portal.example', name: 'Sam', passwordHash: 'x', platformRole: 'SUPPORT' },
    })
  ).id;
});

beforeEach(() => {
  revalidatePath.mockClear();
});

describe('createSecretAction', () => {
  it('allows an admin: returns the value once and stores only its hash and preview, disabled', async () => {
    signInAs('admin');
    const result = await createSecretAction();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(isWellFormedSecret(result.plaintext)).toBe(true);
    expect(result.secret.preview).toBe(`uqs_…${result.plaintext.slice(-4)}`);

    const row = await prisma.credential.findUniqueOrThrow({
      where: { id: result.secret.id },
      include: { oauthClient: true },
    });
    expect(row).toMatchObject({
      status: 'DISABLED',
      secretHash: hashSecret(result.plaintext),
      createdById: users.admin,
    });
    expect(row.oauthClient.organizationId).toBe(acme.id);

    // The plaintext is nowhere in the database, in any table or column.
    const dump = await prisma.$queryRawUnsafe<{ doc: string }[]>(
      `SELECT string_agg(t::text, ' ') AS doc FROM (
         SELECT row_to_json(s)::text AS t FROM secrets s UNION ALL SELECT row_to_json(u)::text FROM users u
         UNION ALL SELECT row_to_json(c)::text FROM oauth_clients c) AS rows`,
    );
    expect(dump[0]!.doc).toContain(row.secretHash);
    expect(dump[0]!.doc).not.toContain(result.plaintext);
    expect(dump[0]!.doc).not.toContain(result.plaintext.slice(4, 40));
    // The browser shows the value first, then refreshes the page: a revalidation would hold the value back.
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it('blocks a viewer, a support user and a signed-out caller, and creates nothing', async () => {
    const before = await prisma.credential.count();
    for (const who of ['viewer', 'support', null] as const) {
      signInAs(who);
      const result = await createSecretAction();
      expect(result).toEqual({
        ok: false,
        message:
          who === null
            ? 'Your session has ended. Sign in again to continue.'
            : 'You need the Admin role to manage credentials.',
      });
    }
    expect(await prisma.credential.count()).toBe(before);
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it("creates the secret for the caller's own organization only", async () => {
    signInAs('otherAdmin');
    const result = await createSecretAction();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect((await listCredentials({ organizationId: globex.id })).map((s) => s.id)).toContain(result.secret.id);
    expect((await listCredentials({ organizationId: acme.id })).map((s) => s.id)).not.toContain(result.secret.id);
  });
});

describe('activateCredentialAction', () => {
  it('allows an admin of the owning organization', async () => {
    const { id } = await newSecret();
    expect(await activateCredentialAction({ credentialId: id })).toMatchObject({ ok: true });
    expect(await statusOf(id)).toBe('ACTIVE');
    // The row shows Active as soon as the action answers, then the browser refreshes the page.
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it('blocks a viewer and a support user with a clear message, changing nothing', async () => {
    const { id } = await newSecret();
    revalidatePath.mockClear();
    for (const who of ['viewer', 'support'] as const) {
      signInAs(who);
      expect(await activateCredentialAction({ credentialId: id })).toEqual({
        ok: false,
        message: 'You need the Admin role to manage credentials.',
      });
    }
    expect(await statusOf(id)).toBe('DISABLED');
    expect(revalidatePath).not.toHaveBeenCalled();
  });

  it('blocks an admin of another organization exactly as if the secret did not exist', async () => {
    const { id } = await newSecret();
    signInAs('otherAdmin');
    expect(await activateCredentialAction({ credentialId: id })).toEqual({ ok: false, message: NOT_FOUND });
    expect(await activateCredentialAction({ credentialId: randomUUID() })).toEqual({ ok: false, message: NOT_FOUND });
    expect(await statusOf(id)).toBe('DISABLED');
  });

  it('blocks a signed-out caller', async () => {
    const { id } = await newSecret();
    signInAs(null);
    expect(await activateCredentialAction({ credentialId: id })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Sign in again/),
    });
    expect(await statusOf(id)).toBe('DISABLED');
  });

  it('rejects hostile input with the not-found message', async () => {
    const { id } = await newSecret();
    for (const input of [
      undefined,
      null,
      'x',
      { credentialId: "' OR 1=1 --" },
      { credentialId: 42 },
      { credentialId: id, organizationId: globex.id },
      [id],
    ]) {
      expect(await activateCredentialAction(input)).toEqual({ ok: false, message: NOT_FOUND });
    }
    expect(await statusOf(id)).toBe('DISABLED');
  });

  it('lets only one of two simultaneous activations succeed', async () => {
    const { id } = await newSecret();
    const results = await Promise.all([
      activateCredentialAction({ credentialId: id }),
      activateCredentialAction({ credentialId: id }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual([{ ok: false, message: 'This secret is already active.' }]);
  });
});

describe('deactivateCredentialAction and deleteCredentialAction', () => {
  it('allows an admin to deactivate an active secret, then delete it', async () => {
    const { id } = await newSecret();
    await activateCredentialAction({ credentialId: id });
    expect(await deactivateCredentialAction({ credentialId: id })).toMatchObject({ ok: true });
    expect(await statusOf(id)).toBe('DISABLED');
    expect(await deleteCredentialAction({ credentialId: id })).toMatchObject({ ok: true });
    expect(await statusOf(id)).toBe('DELETED');
    expect((await listCredentials({ organizationId: acme.id })).map((s) => s.id)).not.toContain(id);
    // A deleted secret is gone for every action.
    expect(await activateCredentialAction({ credentialId: id })).toEqual({ ok: false, message: NOT_FOUND });
  });

  it('blocks deleting an active secret until it is deactivated', async () => {
    const { id } = await newSecret();
    await activateCredentialAction({ credentialId: id });
    expect(await deleteCredentialAction({ credentialId: id })).toEqual({
      ok: false,
      message: 'Deactivate this secret before deleting it.',
    });
    expect(await statusOf(id)).toBe('ACTIVE');
  });

  it('blocks a viewer and another organization from deactivating or deleting', async () => {
    const active = await newSecret();
    await activateCredentialAction({ credentialId: active.id });
    const disabled = await newSecret();
    for (const who of ['viewer', 'otherAdmin', 'support'] as const) {
      signInAs(who);
      expect((await deactivateCredentialAction({ credentialId: active.id })).ok).toBe(false);
      expect((await deleteCredentialAction({ credentialId: disabled.id })).ok).toBe(false);
    }
    expect(await statusOf(active.id)).toBe('ACTIVE');
    expect(await statusOf(disabled.id)).toBe('DISABLED');
  });
});

describe('lifecycle actions', () => {
  it('renames with a trimmed name and reports bad names as field errors, changing nothing', async () => {
    const { id } = await newSecret();
    expect(await renameCredentialAction({ credentialId: id, name: '  Billing  ' })).toMatchObject({
      ok: true,
      name: 'Billing',
    });
    for (const name of ['', '   ', 'x'.repeat(65)]) {
      const result = await renameCredentialAction({ credentialId: id, name });
      expect(result).toMatchObject({ ok: false, fieldErrors: { name: expect.any(String) } });
    }
    expect((await prisma.credential.findUniqueOrThrow({ where: { id } })).name).toBe('Billing');
  });

  it('validates address ranges with a clear message and stores them normalized', async () => {
    const { id } = await newSecret();
    expect(await setAllowedRangesAction({ credentialId: id, ranges: '10.1.2.3/8, nonsense\n300.1.1.1' })).toMatchObject(
      {
        ok: false,
        fieldErrors: { ranges: 'Not an IPv4 or IPv6 address or range: nonsense, 300.1.1.1' },
      },
    );
    expect((await prisma.credential.findUniqueOrThrow({ where: { id } })).allowedCidrs).toEqual([]);
    expect(await setAllowedRangesAction({ credentialId: id, ranges: '10.1.2.3/8\n2001:db8::1' })).toMatchObject({
      ok: true,
      ranges: ['10.0.0.0/8', '2001:db8::1/128'],
    });
  });

  it('accepts only the offered grace periods and future expiries', async () => {
    const { id } = await newSecret();
    await activateCredentialAction({ credentialId: id });
    expect((await rollSecretAction({ credentialId: id, graceSeconds: 42 })).ok).toBe(false);
    expect((await setCredentialExpiryAction({ credentialId: id, expiresAt: 'tomorrow' })).ok).toBe(false);
    expect(
      (await setCredentialExpiryAction({ credentialId: id, expiresAt: new Date(Date.now() - 60_000).toISOString() }))
        .ok,
    ).toBe(false);
    expect(
      (
        await setCredentialExpiryAction({
          credentialId: id,
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        })
      ).ok,
    ).toBe(true);
    const rolled = await rollSecretAction({ credentialId: id, graceSeconds: 3600 });
    expect(rolled).toMatchObject({ ok: true, plaintext: expect.stringMatching(/^uqs_/) });
  });

  it('blocks a viewer from every lifecycle action and from reading usage', async () => {
    const { id } = await newSecret();
    signInAs('viewer');
    const forbidden = { ok: false, message: 'You need the Admin role to manage credentials.' };
    expect(await renameCredentialAction({ credentialId: id, name: 'Mine' })).toEqual(forbidden);
    expect(await setAllowedRangesAction({ credentialId: id, ranges: '' })).toEqual(forbidden);
    expect(await setCredentialExpiryAction({ credentialId: id, expiresAt: null })).toEqual(forbidden);
    expect(await rollSecretAction({ credentialId: id, graceSeconds: 0 })).toEqual(forbidden);
    expect(await bulkCredentialsAction({ credentialIds: [id], action: 'delete' })).toEqual(forbidden);
    expect((await getCredentialUsageAction({ credentialId: id })).ok).toBe(false);
    expect(await statusOf(id)).toBe('DISABLED');
  });

  it("applies a bulk action to the caller's own secrets only, and reports the rest", async () => {
    const mine = await newSecret();
    signInAs('otherAdmin');
    const theirs = await createSecretAction();
    if (!theirs.ok) throw new Error(theirs.message);
    signInAs('admin');
    const result = await bulkCredentialsAction({ credentialIds: [mine.id, theirs.secret.id], action: 'delete' });
    expect(result).toMatchObject({
      ok: true,
      done: [mine.id],
      failed: [{ credentialId: theirs.secret.id, message: NOT_FOUND }],
    });
    expect(await statusOf(theirs.secret.id)).toBe('DISABLED');
    expect(await statusOf(mine.id)).toBe('DELETED');
  });
});

describe('public keys, trusted workloads and scopes', () => {
  const keyForm = (key: string, extra: Record<string, unknown> = {}) => ({
    name: '',
    source: 'key',
    key,
    jwksUrl: '',
    scopes: ['sdk', 'api'],
    ...extra,
  });

  it('allows an admin to add a key, sending on only the chosen source, and answers bad input next to its field', async () => {
    signInAs('admin');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    // The URL field still holds text from before the admin switched to pasting: only the key counts.
    const added = await createPublicKeyAction(keyForm(pem, { jwksUrl: 'not a url', name: 'CI signer' }));
    expect(added).toMatchObject({
      ok: true,
      credential: { name: 'CI signer', preview: expect.stringMatching(/^EdDSA · /) },
    });
    expect(revalidatePath).toHaveBeenCalledWith('/credentials', 'layout');

    const secretPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await createPublicKeyAction(keyForm(secretPem))).toEqual({
      ok: false,
      message: PRIVATE_KEY_MESSAGE,
      fieldErrors: { key: PRIVATE_KEY_MESSAGE },
    });
    expect(await createPublicKeyAction(keyForm('', { source: 'jwksUrl', jwksUrl: 'ftp://keys.example/jwks' }))).toEqual(
      {
        ok: false,
        message: 'Use an https:// URL.',
        fieldErrors: { jwksUrl: 'Use an https:// URL.' },
      },
    );
    expect(await createPublicKeyAction({ ...keyForm(pem), source: 'both' })).toEqual({
      ok: false,
      message: 'The request was not understood. Reload the page and try again.',
    });
    expect(await createSecretAction({ scopes: [] })).toEqual({
      ok: false,
      message: 'Choose at least one scope.',
      fieldErrors: { scopes: 'Choose at least one scope.' },
    });
  });

  it('adds a key from a JWKS URL even when the URL does not work yet, and says what is wrong with it', async () => {
    signInAs('admin');
    const { createServer } = await import('node:http');
    let body: string | null = null;
    const server = createServer((_req, res) => {
      if (body === null) res.writeHead(404).end();
      else res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const previous = process.env.OAUTH_ALLOW_LOOPBACK_HTTP;
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    try {
      const missing = await createPublicKeyAction(
        keyForm('', { source: 'jwksUrl', jwksUrl: `http://127.0.0.1:${port}/missing.json`, name: 'Typo' }),
      );
      expect(missing).toMatchObject({ ok: true, warning: expect.stringContaining('answered 404') });

      body = JSON.stringify({ keys: [] });
      const empty = await createPublicKeyAction(
        keyForm('', { source: 'jwksUrl', jwksUrl: `http://127.0.0.1:${port}/empty.json`, name: 'Not yet' }),
      );
      expect(empty).toMatchObject({ ok: true, warning: expect.stringContaining('no public signing key') });

      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      body = JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'ES256' }] });
      const working = await createPublicKeyAction(
        keyForm('', { source: 'jwksUrl', jwksUrl: `http://127.0.0.1:${port}/jwks.json`, name: 'Published' }),
      );
      expect(working).toMatchObject({ ok: true, warning: null });
    } finally {
      if (previous === undefined) delete process.env.OAUTH_ALLOW_LOOPBACK_HTTP;
      else process.env.OAUTH_ALLOW_LOOPBACK_HTTP = previous;
      server.close();
    }
  });

  it('answers a workload with every field error at once, and blocks a viewer', async () => {
    signInAs('admin');
    const bad = await createTrustedWorkloadAction({
      name: '',
      issuer: 'issuer',
      audience: '',
      subject: '',
      scopes: [],
    });
    expect(bad).toMatchObject({ ok: false, fieldErrors: { scopes: 'Choose at least one scope.' } });
    const fields = await createTrustedWorkloadAction({
      name: '',
      issuer: 'issuer',
      audience: '',
      subject: '',
      scopes: ['api'],
    });
    expect(fields).toMatchObject({
      ok: false,
      fieldErrors: {
        issuer: expect.stringContaining('Enter a full URL'),
        audience: 'Enter the audience.',
        subject: 'Enter the subject pattern.',
      },
    });
    signInAs('viewer');
    const workload = {
      name: '',
      issuer: 'https://issuer.example',
      audience: 'a',
      subject: 'repo:a/b:*',
      scopes: ['api'],
    };
    expect(await createTrustedWorkloadAction(workload)).toEqual({
      ok: false,
      message: 'You need the Admin role to manage credentials.',
    });
  });

  it("changes a credential's scopes for its admin only; another organization's looks not found", async () => {
    const { id } = await newSecret();
    signInAs('otherAdmin');
    expect(await setCredentialScopesAction({ credentialId: id, scopes: ['sdk'] })).toEqual({
      ok: false,
      message: NOT_FOUND,
    });
    signInAs('admin');
    expect(await setCredentialScopesAction({ credentialId: id, scopes: ['sdk'] })).toEqual({
      ok: true,
      scopes: ['sdk'],
    });
    expect((await prisma.credential.findUniqueOrThrow({ where: { id } })).scopes).toEqual(['sdk']);
  });
});
