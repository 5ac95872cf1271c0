import { randomUUID } from 'node:crypto';
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { getActorByUserId } from '@/lib/data/users';
import { createMember } from '@/lib/data/organizations';
import {
  beginTotpEnrollment,
  confirmTotpEnrollment,
  getSecondFactorMethods,
  getTwoFactorStatus,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
  provisionTotp,
  regenerateRecoveryCodes,
  removePasskey,
  removeTotp,
  redeemRecoveryCode,
  verifyPasskeyAuthentication,
  verifyPasskeyRegistration,
  verifyTotpCode,
} from '@/lib/data/two-factor';
import { setTwoFactorRequirement } from '@/lib/data/organizations';
import { open } from '@/lib/crypto/sealed';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { organizationWithAdmin } from '../helpers/fixtures';
import { SoftAuthenticator } from '../helpers/soft-authenticator';
import { relyingParty } from '@/lib/identity/webauthn';

/** A code of the step `offset` steps from now. */
function codeAt(secret: string, offset = 0) {
  return generate({ secret, epoch: Math.floor(Date.now() / 1000) + offset * 30 });
}

async function member(role: 'ADMIN' | 'VIEWER' = 'ADMIN') {
  const { org, actor } = await organizationWithAdmin();
  if (role === 'ADMIN') return { org, userId: actor.userId };
  const user = await createMember({
    organizationId: org.id,
    email: `viewer-${randomUUID()}@example.test`,
    name: 'Vic',
    password: 'password-123',
    role,
  });
  return { org, userId: user.id };
}

async function withTotp() {
  const { org, userId } = await member();
  const begun = await beginTotpEnrollment({ userId });
  if (!begun.ok) throw new Error(begun.message);
  // Confirmed with the previous step's code, so the current and next steps are still free for the test.
  const confirmed = await confirmTotpEnrollment({ userId, code: await codeAt(begun.secret, -1) });
  if (!confirmed.ok) throw new Error(confirmed.message);
  return { org, userId, secret: begun.secret, recoveryCodes: confirmed.recoveryCodes! };
}

function accountEvents(userId: string, action: string) {
  return prisma.auditEvent.findMany({ where: { actorId: userId, action }, orderBy: { createdAt: 'asc' } });
}

describe('authenticator app (TOTP)', () => {
  it('is not a factor until a code confirms it; the key is stored encrypted and bound to its user', async () => {
    const { userId } = await member();
    const begun = await beginTotpEnrollment({ userId });
    if (!begun.ok) throw new Error(begun.message);
    expect(begun.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(begun.uri).toMatch(/^otpauth:\/\/totp\/.+secret=/);
    expect(begun.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect((await getTwoFactorStatus({ userId })).enabled).toBe(false);
    expect(await getSecondFactorMethods({ userId })).toEqual({ totp: false, passkey: false });

    const row = await prisma.totpFactor.findUniqueOrThrow({ where: { userId } });
    expect(row.secretEnc).not.toContain(begun.secret);
    expect(open(`totp:${userId}`, row.secretEnc).toString()).toBe(begun.secret);
    expect(() => open(`totp:${randomUUID()}`, row.secretEnc)).toThrow();

    expect(
      await confirmTotpEnrollment({ userId, code: '000000' === (await codeAt(begun.secret)) ? '111111' : '000000' }),
    ).toMatchObject({
      ok: false,
      code: 'invalid_code',
    });
    expect(await verifyTotpCode({ userId, code: await codeAt(begun.secret) })).toBe(false);

    const confirmed = await confirmTotpEnrollment({ userId, code: await codeAt(begun.secret) });
    if (!confirmed.ok) throw new Error(confirmed.message);
    expect(confirmed.recoveryCodes).toHaveLength(10);
    const status = await getTwoFactorStatus({ userId });
    expect(status).toMatchObject({ enabled: true, totp: true, passkeys: [], recoveryCodesLeft: 10 });
    expect(await getSecondFactorMethods({ userId })).toEqual({ totp: true, passkey: false });
    expect((await getActorByUserId({ userId }))?.twoFactorEnabled).toBe(true);
    const [event] = await accountEvents(userId, 'factor_enrolled');
    expect(event).toMatchObject({ details: { method: 'totp', name: 'Authenticator app' } });
    expect(event!.organizationId).not.toBeNull();

    expect(await beginTotpEnrollment({ userId })).toMatchObject({ ok: false, code: 'conflict' });
  });

  it('accepts a generated code once, refuses it reused, refuses a wrong code, and allows one step of drift', async () => {
    const { userId, secret } = await withTotp();
    const now = await codeAt(secret);
    const wrong = String((Number(now) + 1) % 1_000_000).padStart(6, '0');
    expect(await verifyTotpCode({ userId, code: wrong })).toBe(false);
    expect(await verifyTotpCode({ userId, code: 'abcdef' })).toBe(false);

    expect(await verifyTotpCode({ userId, code: now.replace(/^(\d{3})/, '$1 ') })).toBe(true);
    expect(await verifyTotpCode({ userId, code: now })).toBe(false);
    // One step ahead (a phone's clock running fast) is accepted; after it, the current step is spent too.
    expect(await verifyTotpCode({ userId, code: await codeAt(secret, 1) })).toBe(true);
    expect(await verifyTotpCode({ userId, code: now })).toBe(false);
    // Two steps away is too far in either direction.
    const { userId: other, secret: otherSecret } = await withTotp();
    expect(await verifyTotpCode({ userId: other, code: await codeAt(otherSecret, 2) })).toBe(false);
    expect(await verifyTotpCode({ userId: other, code: await codeAt(otherSecret, -3) })).toBe(false);
  });

  it('lets exactly one of two simultaneous uses of one code through', async () => {
    const { userId, secret } = await withTotp();
    const code = await codeAt(secret);
    const results = await Promise.all(Array.from({ length: 5 }, () => verifyTotpCode({ userId, code })));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('removal ends the factor, its recovery codes with it when it was the last, and is audited', async () => {
    const { userId, secret, recoveryCodes } = await withTotp();
    expect(await removeTotp({ userId })).toEqual({ ok: true });
    expect(await getTwoFactorStatus({ userId })).toMatchObject({ enabled: false, totp: false, recoveryCodesLeft: 0 });
    expect(await verifyTotpCode({ userId, code: await codeAt(secret) })).toBe(false);
    expect(await redeemRecoveryCode({ userId, code: recoveryCodes[0]! })).toBe(false);
    expect(await removeTotp({ userId })).toMatchObject({ ok: false, code: 'not_found' });
    expect(await accountEvents(userId, 'factor_removed')).toHaveLength(1);
  });

  it('provisions a confirmed factor for test-suite tenants', async () => {
    const { userId } = await member();
    const provisioned = await provisionTotp({ userId });
    expect(provisioned.uri).toContain(`secret=${provisioned.secret}`);
    expect(provisioned.recoveryCodes).toHaveLength(10);
    expect(await verifyTotpCode({ userId, code: await codeAt(provisioned.secret) })).toBe(true);
  });
});

describe('recovery codes', () => {
  it('are single-use, in any case and with or without the dash, and each use is audited', async () => {
    const { userId, recoveryCodes } = await withTotp();
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    const stored = await prisma.recoveryCode.findMany({ where: { userId } });
    expect(stored.map((row) => row.codeHash).join()).not.toContain(recoveryCodes[0]!.replace('-', ''));

    const [first, second] = recoveryCodes as [string, string];
    expect(await redeemRecoveryCode({ userId, code: ` ${first.toUpperCase().replace('-', ' ')} ` })).toBe(true);
    expect(await redeemRecoveryCode({ userId, code: first })).toBe(false);
    expect(await redeemRecoveryCode({ userId, code: 'aaaaa-aaaaa' })).toBe(false);
    const results = await Promise.all([
      redeemRecoveryCode({ userId, code: second }),
      redeemRecoveryCode({ userId, code: second }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await getTwoFactorStatus({ userId })).recoveryCodesLeft).toBe(8);
    const events = await accountEvents(userId, 'recovery_code_used');
    expect(events.map((event) => event.details)).toEqual([{ remaining: 9 }, { remaining: 8 }]);
  });

  it("are another user's codes to nobody else", async () => {
    const a = await withTotp();
    const b = await withTotp();
    expect(await redeemRecoveryCode({ userId: b.userId, code: a.recoveryCodes[0]! })).toBe(false);
    expect(await redeemRecoveryCode({ userId: a.userId, code: a.recoveryCodes[0]! })).toBe(true);
  });

  it('regenerating invalidates every old code, and needs a factor', async () => {
    const { userId, recoveryCodes } = await withTotp();
    const regenerated = await regenerateRecoveryCodes({ userId });
    if (!regenerated.ok) throw new Error(regenerated.message);
    expect(regenerated.recoveryCodes).toHaveLength(10);
    expect(regenerated.recoveryCodes).not.toContain(recoveryCodes[0]);
    expect(await redeemRecoveryCode({ userId, code: recoveryCodes[0]! })).toBe(false);
    expect(await redeemRecoveryCode({ userId, code: regenerated.recoveryCodes[0]! })).toBe(true);
    expect(await accountEvents(userId, 'recovery_codes_regenerated')).toHaveLength(1);

    const { userId: without } = await member();
    expect(await regenerateRecoveryCodes({ userId: without })).toMatchObject({ ok: false, code: 'conflict' });
  });
});

describe('passkeys', () => {
  it('registration options name the portal as relying party and keep a single-use challenge', async () => {
    const { userId } = await member();
    const started = await passkeyRegistrationOptions({ userId });
    if (!started.ok) throw new Error(started.message);
    expect(started.options.rp).toEqual({
      id: new URL(process.env.NEXTAUTH_URL ?? 'http://localhost:3000').hostname,
      name: 'Credentials console',
    });
    expect(started.options.authenticatorSelection?.userVerification).toBe('preferred');
    const row = await prisma.authChallenge.findFirstOrThrow({ where: { userId, purpose: 'webauthn_register' } });
    expect(row.challenge).toBe(started.options.challenge);
    expect(row.tokenHash).not.toBe(started.ceremony);
    expect(row.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);

    const garbage = {
      id: 'x',
      rawId: 'x',
      type: 'public-key',
      response: {},
      clientExtensionResults: {},
    } as unknown as RegistrationResponseJSON;
    expect(
      await verifyPasskeyRegistration({ userId, ceremony: 'not-the-ceremony', name: 'Key', response: garbage }),
    ).toMatchObject({ ok: false, code: 'expired' });
    const { userId: stranger } = await member();
    expect(
      await verifyPasskeyRegistration({ userId: stranger, ceremony: started.ceremony, name: 'Key', response: garbage }),
    ).toMatchObject({
      ok: false,
      code: 'expired',
    });
    expect(
      await verifyPasskeyRegistration({ userId, ceremony: started.ceremony, name: 'Key', response: garbage }),
    ).toMatchObject({
      ok: false,
      code: 'invalid_code',
    });
    // The challenge was spent by that failed attempt.
    expect(
      await verifyPasskeyRegistration({ userId, ceremony: started.ceremony, name: 'Key', response: garbage }),
    ).toMatchObject({ ok: false, code: 'expired' });
    expect(
      await verifyPasskeyRegistration({ userId, ceremony: started.ceremony, name: ' ', response: garbage }),
    ).toMatchObject({ ok: false, code: 'invalid_input' });
    expect((await getTwoFactorStatus({ userId })).passkeys).toEqual([]);
  });

  it('registers a passkey and signs with it; refuses a wrong challenge, another origin and a replayed counter', async () => {
    const { userId } = await member();
    const { rpID, origin } = relyingParty();
    const authenticator = new SoftAuthenticator(rpID, origin);
    const started = await passkeyRegistrationOptions({ userId });
    if (!started.ok) throw new Error(started.message);

    // An answer to another challenge is refused, and spends the ceremony.
    const stale = await verifyPasskeyRegistration({
      userId,
      ceremony: started.ceremony,
      name: 'Key',
      response: authenticator.register('b3RoZXI'),
    });
    expect(stale).toMatchObject({ ok: false, code: 'invalid_code' });
    const again = await passkeyRegistrationOptions({ userId });
    if (!again.ok) throw new Error(again.message);
    const registered = await verifyPasskeyRegistration({
      userId,
      ceremony: again.ceremony,
      name: '  YubiKey 5  ',
      response: authenticator.register(again.options.challenge),
    });
    if (!registered.ok) throw new Error(registered.message);
    expect(registered.passkey.name).toBe('YubiKey 5');
    expect(registered.recoveryCodes).toHaveLength(10);
    expect(await accountEvents(userId, 'factor_enrolled')).toMatchObject([
      { details: { method: 'passkey', name: 'YubiKey 5' } },
    ]);
    const status = await getTwoFactorStatus({ userId });
    expect(status).toMatchObject({ enabled: true, totp: false, passkeys: [{ name: 'YubiKey 5', lastUsedAt: null }] });
    expect(await getSecondFactorMethods({ userId })).toEqual({ totp: false, passkey: true });

    // The same authenticator cannot be registered twice.
    const twice = await passkeyRegistrationOptions({ userId });
    if (!twice.ok) throw new Error(twice.message);
    expect(twice.options.excludeCredentials?.map((c) => c.id)).toEqual([authenticator.id]);
    expect(
      await verifyPasskeyRegistration({
        userId,
        ceremony: twice.ceremony,
        name: 'Again',
        response: authenticator.register(twice.options.challenge),
      }),
    ).toMatchObject({
      ok: false,
      code: 'conflict',
    });

    const { challenge } = await passkeyAuthenticationOptions({ userId });
    expect(
      await verifyPasskeyAuthentication({
        userId,
        response: authenticator.authenticate('d3Jvbmc'),
        expectedChallenge: challenge,
      }),
    ).toBe(false);
    expect(
      await verifyPasskeyAuthentication({
        userId,
        response: authenticator.authenticate(challenge, { origin: 'https://evil.example' }),
        expectedChallenge: challenge,
      }),
    ).toBe(false);
    const { userId: other } = await member();
    expect(
      await verifyPasskeyAuthentication({
        userId: other,
        response: authenticator.authenticate(challenge),
        expectedChallenge: challenge,
      }),
    ).toBe(false);
    expect(
      await verifyPasskeyAuthentication({
        userId,
        response: authenticator.authenticate(challenge),
        expectedChallenge: challenge,
      }),
    ).toBe(true);
    const used = (await getTwoFactorStatus({ userId })).passkeys[0]!;
    expect(used.lastUsedAt).not.toBeNull();
    // A counter that does not move forward is a cloned authenticator.
    expect(
      await verifyPasskeyAuthentication({
        userId,
        response: authenticator.authenticate(challenge, { counter: 1 }),
        expectedChallenge: challenge,
      }),
    ).toBe(false);
    expect(
      await verifyPasskeyAuthentication({
        userId,
        response: authenticator.authenticate(challenge),
        expectedChallenge: challenge,
      }),
    ).toBe(true);
  });

  it('authentication refuses unknown credentials, malformed answers and other users’ passkeys without throwing', async () => {
    const { userId } = await member();
    const { userId: other } = await member();
    const credentialId = 'dGVzdC1jcmVkZW50aWFs';
    const passkey = await prisma.webAuthnCredential.create({
      data: { userId, credentialId, publicKey: Buffer.from([1, 2, 3]), name: 'Key' },
    });
    const options = await passkeyAuthenticationOptions({ userId });
    expect(options.allowCredentials?.map((c) => c.id)).toEqual([credentialId]);
    expect(options.userVerification).toBe('preferred');
    const response = {
      id: credentialId,
      rawId: credentialId,
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
      clientExtensionResults: {},
    } as AuthenticationResponseJSON;
    expect(await verifyPasskeyAuthentication({ userId, response, expectedChallenge: options.challenge })).toBe(false);
    expect(await verifyPasskeyAuthentication({ userId: other, response, expectedChallenge: options.challenge })).toBe(
      false,
    );
    expect(
      await verifyPasskeyAuthentication({
        userId,
        response: null as unknown as AuthenticationResponseJSON,
        expectedChallenge: 'x',
      }),
    ).toBe(false);

    expect((await getActorByUserId({ userId }))?.twoFactorEnabled).toBe(true);
    expect(await removePasskey({ userId: other, passkeyId: passkey.id })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await removePasskey({ userId, passkeyId: passkey.id })).toEqual({ ok: true });
    expect((await getActorByUserId({ userId }))?.twoFactorEnabled).toBe(false);
    expect(await accountEvents(userId, 'factor_removed')).toMatchObject([
      { details: { method: 'passkey', name: 'Key' } },
    ]);
  });
});

describe('organization requirement', () => {
  it('only admins change it, each change is one audit event, and the actor sees it', async () => {
    const { org, userId } = await member('ADMIN');
    const admin = (await getActorByUserId({ userId }))!;
    expect(admin.membership?.requireTwoFactor).toBe(false);
    expect(await setTwoFactorRequirement({ actor: admin, required: true })).toEqual({ ok: true, required: true });
    expect(await setTwoFactorRequirement({ actor: admin, required: true })).toEqual({ ok: true, required: true });
    expect((await getActorByUserId({ userId }))?.membership?.requireTwoFactor).toBe(true);
    const events = await prisma.auditEvent.findMany({
      where: { organizationId: org.id, action: 'two_factor_policy_changed' },
    });
    expect(events).toMatchObject([{ details: { required: true }, actorId: userId }]);

    const viewerUser = await createMember({
      organizationId: org.id,
      email: `viewer-${randomUUID()}@example.test`,
      name: 'Vic',
      password: 'password-123',
      role: 'VIEWER',
    });
    const viewer = (await getActorByUserId({ userId: viewerUser.id }))!;
    expect(await setTwoFactorRequirement({ actor: viewer, required: false })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: org.id } })).requireTwoFactor).toBe(true);
  });

  it("support staff's factor events go to the platform log, not an organization's", async () => {
    const user = await prisma.user.create({
      data: { email: `support-${randomUUID()}@platform.test`, name: 'Sam', passwordHash: 'x', platformRole: 'SUPPORT' },
    });
    await provisionTotp({ userId: user.id });
    const [event] = await accountEvents(user.id, 'factor_enrolled');
    expect(event).toMatchObject({ organizationId: null, actorRole: 'SUPPORT' });
  });
});
