import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { prisma } from '@/lib/db';
import { open, seal } from '@/lib/crypto/sealed';
import { matchTotpStep, newTotpSecret, totpQrDataUrl, totpUri } from '@/lib/identity/totp';
import { generateRecoveryCodes, hashRecoveryCode, normalizeRecoveryCode } from '@/lib/identity/recovery-codes';
import { relyingParty } from '@/lib/identity/webauthn';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { recordAccountMailEvent } from '@/lib/data/events';
import { consumeRegistrationChallenge, createRegistrationChallenge } from '@/lib/data/auth-challenges';
import { Prisma } from '@/lib/generated/prisma/client';
import type { Failure } from '@/lib/result';

/**
 * Second factors: an authenticator app (TOTP, key sealed with AES-256-GCM), passkeys and security keys
 * (WebAuthn), and one-time recovery codes. Every enrollment and removal locks the user's row, so that
 * "is this the first factor?" and "was that the last one?" are answered once even under concurrent clicks.
 */

export type TwoFactorFailure = Failure<'invalid_code' | 'invalid_input' | 'not_found' | 'conflict' | 'expired'>;

export interface TwoFactorStatus {
  enabled: boolean;
  totp: boolean;
  passkeys: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }[];
  recoveryCodesLeft: number;
}

type Tx = Prisma.TransactionClient;

const AUTHENTICATOR_APP = 'Authenticator app';
const WRONG_CODE = 'That code is not valid. Enter the current 6-digit code from your authenticator app.';

/** The associated data of a sealed TOTP key: it opens for its own user only. */
const totpAad = (userId: string) => `totp:${userId}`;

async function lockUser(tx: Tx, userId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE id = ${userId}::uuid FOR UPDATE`;
  return rows.length === 1;
}

async function factorCount(tx: Tx, userId: string): Promise<number> {
  const [totp, passkeys] = await Promise.all([
    tx.totpFactor.count({ where: { userId, confirmedAt: { not: null } } }),
    tx.webAuthnCredential.count({ where: { userId } }),
  ]);
  return totp + passkeys;
}

/** Replaces the user's recovery codes with ten new ones and returns them: the only time they are readable. */
async function replaceRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = generateRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((code) => ({ userId, codeHash: hashRecoveryCode(userId, code) })),
  });
  return codes;
}

/** After a removal: without any factor, recovery codes would only be a way around nothing, so they go too. */
async function dropRecoveryCodesIfNoFactor(tx: Tx, userId: string): Promise<void> {
  if ((await factorCount(tx, userId)) === 0) await tx.recoveryCode.deleteMany({ where: { userId } });
}

/** A factor added or removed: its audit row and the user's security mail, in the caller's transaction. */
async function recordFactorChange(
  tx: Prisma.TransactionClient,
  input: {
    userId: string;
    change: 'added' | 'removed';
    method: 'totp' | 'passkey';
    name: string;
    context?: RequestContext;
  },
) {
  const { userId, change, method, name, context } = input;
  await recordAccountEvent(tx, {
    userId,
    action: change === 'added' ? 'factor_enrolled' : 'factor_removed',
    details: { method, name },
    context,
  });
  await recordAccountMailEvent(tx, { userId, type: `account.factor_${change}`, context, data: { method, name } });
}

export async function getTwoFactorStatus({ userId }: { userId: string }): Promise<TwoFactorStatus> {
  const [totp, passkeys, recoveryCodesLeft] = await Promise.all([
    prisma.totpFactor.findFirst({ where: { userId, confirmedAt: { not: null } }, select: { userId: true } }),
    prisma.webAuthnCredential.findMany({
      where: { userId },
      orderBy: { createdAt: 'asc' },
      select: { id: true, name: true, createdAt: true, lastUsedAt: true },
    }),
    prisma.recoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  return { enabled: !!totp || passkeys.length > 0, totp: !!totp, passkeys, recoveryCodesLeft };
}

/**
 * Which second factors the user can confirm their identity with (the portal's "Confirm it's you" offers
 * those), in one round trip: the portal layout asks on every render and needs neither the passkeys' list
 * nor the recovery codes that getTwoFactorStatus also reads.
 */
export async function getSecondFactorMethods({
  userId,
}: {
  userId: string;
}): Promise<{ totp: boolean; passkey: boolean }> {
  const [row] = await prisma.$queryRaw<{ totp: boolean; passkey: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM totp_factors WHERE user_id = ${userId}::uuid AND confirmed_at IS NOT NULL) AS totp,
      EXISTS (SELECT 1 FROM webauthn_credentials WHERE user_id = ${userId}::uuid) AS passkey`;
  return { totp: row?.totp ?? false, passkey: row?.passkey ?? false };
}

// ————— Authenticator app (TOTP) —————

/**
 * Starts (or restarts) setting up an authenticator app: a new key, unconfirmed until a code from it is
 * verified. A confirmed app must be removed before another is set up.
 */
export async function beginTotpEnrollment({
  userId,
}: {
  userId: string;
}): Promise<{ ok: true; secret: string; uri: string; qrCode: string } | TwoFactorFailure> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { email: true, totpFactor: { select: { confirmedAt: true } } },
  });
  if (!user) return { ok: false, code: 'not_found', message: 'Your account no longer exists.' };
  if (user.totpFactor?.confirmedAt) {
    return {
      ok: false,
      code: 'conflict',
      message: 'An authenticator app is already set up. Remove it first to set up another.',
    };
  }
  const secret = newTotpSecret();
  const secretEnc = seal(totpAad(userId), Buffer.from(secret));
  // Only an unconfirmed key is replaced: the conditional upsert cannot overwrite one confirmed meanwhile.
  const written = await prisma.$executeRaw`
    INSERT INTO totp_factors (user_id, secret_enc) VALUES (${userId}::uuid, ${secretEnc})
    ON CONFLICT (user_id) DO UPDATE SET secret_enc = EXCLUDED.secret_enc, last_used_step = NULL, created_at = now()
    WHERE totp_factors.confirmed_at IS NULL`;
  if (written === 0) {
    return {
      ok: false,
      code: 'conflict',
      message: 'An authenticator app is already set up. Remove it first to set up another.',
    };
  }
  const uri = totpUri({ secret, account: user.email });
  return { ok: true, secret, uri, qrCode: await totpQrDataUrl(uri) };
}

/**
 * Confirms the authenticator app with a code from it; from then on it is a factor. When it is the user's
 * first factor, recovery codes are created and returned (the only time they can be read).
 */
export async function confirmTotpEnrollment({
  userId,
  code,
  context,
}: {
  userId: string;
  code: string;
  context?: RequestContext;
}): Promise<{ ok: true; recoveryCodes: string[] | null } | TwoFactorFailure> {
  const factor = await prisma.totpFactor.findUnique({
    where: { userId },
    select: { secretEnc: true, confirmedAt: true },
  });
  if (!factor || factor.confirmedAt) {
    return {
      ok: false,
      code: 'not_found',
      message: 'There is no authenticator app waiting for confirmation. Start again.',
    };
  }
  const step = await matchTotpStep({ secret: open(totpAad(userId), factor.secretEnc).toString(), code });
  if (step === null) return { ok: false, code: 'invalid_code', message: WRONG_CODE, field: 'code' };

  return prisma.$transaction(async (tx) => {
    if (!(await lockUser(tx, userId)))
      return { ok: false as const, code: 'not_found' as const, message: 'Your account no longer exists.' };
    const first = (await factorCount(tx, userId)) === 0;
    // The key verified above, still unconfirmed: a restarted setup in another tab makes this one stale.
    const confirmed = await tx.totpFactor.updateMany({
      where: { userId, confirmedAt: null, secretEnc: factor.secretEnc },
      data: { confirmedAt: new Date(), lastUsedStep: step },
    });
    if (confirmed.count === 0) {
      return {
        ok: false as const,
        code: 'conflict' as const,
        message: 'This setup was replaced or finished in another window. Start again.',
      };
    }
    const recoveryCodes = first ? await replaceRecoveryCodes(tx, userId) : null;
    await recordFactorChange(tx, { userId, change: 'added', method: 'totp', name: AUTHENTICATOR_APP, context });
    return { ok: true as const, recoveryCodes };
  });
}

export async function removeTotp({
  userId,
  context,
}: {
  userId: string;
  context?: RequestContext;
}): Promise<{ ok: true } | TwoFactorFailure> {
  return prisma.$transaction(async (tx) => {
    await lockUser(tx, userId);
    const removed = await tx.totpFactor.deleteMany({ where: { userId, confirmedAt: { not: null } } });
    if (removed.count === 0)
      return { ok: false as const, code: 'not_found' as const, message: 'No authenticator app is set up.' };
    await dropRecoveryCodesIfNoFactor(tx, userId);
    await recordFactorChange(tx, { userId, change: 'removed', method: 'totp', name: AUTHENTICATOR_APP, context });
    return { ok: true as const };
  });
}

/**
 * True when `code` comes from the user's confirmed authenticator app, for the current step or one either
 * side, and no code of that step or a later one was accepted before. The step is claimed by one
 * conditional UPDATE, so two requests racing with the same code cannot both pass.
 */
export async function verifyTotpCode({ userId, code }: { userId: string; code: string }): Promise<boolean> {
  const factor = await prisma.totpFactor.findFirst({
    where: { userId, confirmedAt: { not: null } },
    select: { secretEnc: true },
  });
  if (!factor) return false;
  const step = await matchTotpStep({ secret: open(totpAad(userId), factor.secretEnc).toString(), code });
  if (step === null) return false;
  const claimed = await prisma.$executeRaw`
    UPDATE totp_factors SET last_used_step = ${step}
    WHERE user_id = ${userId}::uuid AND confirmed_at IS NOT NULL AND secret_enc = ${factor.secretEnc}
      AND (last_used_step IS NULL OR last_used_step < ${step})`;
  return claimed === 1;
}

/**
 * A confirmed authenticator app made without a person to scan it: for test-suite tenants, whose suite
 * computes codes from the returned key. Returns the key, its otpauth URI and the recovery codes, once.
 */
export async function provisionTotp({
  userId,
  context,
}: {
  userId: string;
  context?: RequestContext;
}): Promise<{ secret: string; uri: string; recoveryCodes: string[] }> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true } });
  const secret = newTotpSecret();
  const recoveryCodes = await prisma.$transaction(async (tx) => {
    await lockUser(tx, userId);
    await tx.totpFactor.deleteMany({ where: { userId } });
    await tx.totpFactor.create({
      data: { userId, secretEnc: seal(totpAad(userId), Buffer.from(secret)), confirmedAt: new Date() },
    });
    const codes = await replaceRecoveryCodes(tx, userId);
    await recordFactorChange(tx, { userId, change: 'added', method: 'totp', name: AUTHENTICATOR_APP, context });
    return codes;
  });
  return { secret, uri: totpUri({ secret, account: user.email }), recoveryCodes };
}

// ————— Recovery codes —————

/** Uses one recovery code: true once per code (claimed by a conditional UPDATE), false otherwise. */
export async function redeemRecoveryCode({
  userId,
  code,
  context,
}: {
  userId: string;
  code: string;
  context?: RequestContext;
}): Promise<boolean> {
  const normalized = normalizeRecoveryCode(code);
  if (!/^[a-z2-7]{10}$/.test(normalized)) return false;
  return prisma.$transaction(async (tx) => {
    const used = await tx.recoveryCode.updateMany({
      where: { userId, codeHash: hashRecoveryCode(userId, normalized), usedAt: null },
      data: { usedAt: new Date() },
    });
    if (used.count !== 1) return false;
    const left = await tx.recoveryCode.count({ where: { userId, usedAt: null } });
    await recordAccountEvent(tx, {
      userId,
      action: 'recovery_code_used',
      details: { remaining: left },
      priority: 'high',
      context,
    });
    await recordAccountMailEvent(tx, {
      userId,
      type: 'account.recovery_code_used',
      context,
      data: { remaining: left },
    });
    return true;
  });
}

/** Ten new codes replace all the old ones (used or not); only for a user with two-factor on. */
export async function regenerateRecoveryCodes({
  userId,
  context,
}: {
  userId: string;
  context?: RequestContext;
}): Promise<{ ok: true; recoveryCodes: string[] } | TwoFactorFailure> {
  return prisma.$transaction(async (tx) => {
    await lockUser(tx, userId);
    if ((await factorCount(tx, userId)) === 0) {
      return {
        ok: false as const,
        code: 'conflict' as const,
        message: 'Set up two-factor authentication first: recovery codes back up a second factor.',
      };
    }
    const recoveryCodes = await replaceRecoveryCodes(tx, userId);
    await recordAccountEvent(tx, { userId, action: 'recovery_codes_regenerated', context });
    return { ok: true as const, recoveryCodes };
  });
}

// ————— Passkeys and security keys (WebAuthn) —————

const PASSKEY_NAME_MESSAGE = 'Give the passkey a name of 1 to 64 characters.';

function cleanPasskeyName(name: string): string | null {
  const trimmed = name.trim();
  return trimmed.length >= 1 && trimmed.length <= 64 ? trimmed : null;
}

/**
 * Options for navigator.credentials.create(). The challenge is kept for five minutes in an AuthChallenge
 * row found by `ceremony` (a random token returned to the caller, stored hashed) and the user.
 */
export async function passkeyRegistrationOptions({
  userId,
}: {
  userId: string;
}): Promise<{ ok: true; ceremony: string; options: PublicKeyCredentialCreationOptionsJSON } | TwoFactorFailure> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { email: true, name: true, passkeys: { select: { credentialId: true, transports: true } } },
  });
  if (!user) return { ok: false, code: 'not_found', message: 'Your account no longer exists.' };
  const { rpID, rpName } = relyingParty();
  const options = await generateRegistrationOptions({
    rpName,
    rpID,
    userName: user.email,
    userDisplayName: user.name,
    userID: new TextEncoder().encode(userId),
    attestationType: 'none',
    // The same authenticator twice would be one factor counted as two.
    excludeCredentials: user.passkeys.map((key) => ({ id: key.credentialId, transports: key.transports })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  const { token: ceremony } = await createRegistrationChallenge({ userId, challenge: options.challenge });
  return { ok: true, ceremony, options };
}

/** Verifies the authenticator's answer to the registration challenge (once) and stores the passkey. */
export async function verifyPasskeyRegistration({
  userId,
  ceremony,
  name,
  response,
  context,
}: {
  userId: string;
  ceremony: string;
  name: string;
  response: RegistrationResponseJSON;
  context?: RequestContext;
}): Promise<{ ok: true; passkey: { id: string; name: string }; recoveryCodes: string[] | null } | TwoFactorFailure> {
  const cleanName = cleanPasskeyName(name);
  if (!cleanName) return { ok: false, code: 'invalid_input', message: PASSKEY_NAME_MESSAGE };
  const expired = {
    ok: false as const,
    code: 'expired' as const,
    message: 'The passkey request expired or was already used. Try again.',
  };
  // Claimed before verifying, so that one challenge can never register two credentials.
  const challenge = await consumeRegistrationChallenge({ userId, token: ceremony });
  if (!challenge) return expired;

  const { rpID, origin } = relyingParty();
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: false,
  }).catch(() => null);
  if (!verification?.verified) {
    return {
      ok: false,
      code: 'invalid_code',
      message: 'The passkey could not be verified. Try again, or use another authenticator.',
    };
  }
  const { credential } = verification.registrationInfo;

  try {
    return await prisma.$transaction(async (tx) => {
      await lockUser(tx, userId);
      const first = (await factorCount(tx, userId)) === 0;
      const passkey = await tx.webAuthnCredential.create({
        data: {
          userId,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey),
          counter: BigInt(credential.counter),
          transports: credential.transports ?? [],
          name: cleanName,
        },
        select: { id: true, name: true },
      });
      const recoveryCodes = first ? await replaceRecoveryCodes(tx, userId) : null;
      await recordFactorChange(tx, { userId, change: 'added', method: 'passkey', name: cleanName, context });
      return { ok: true as const, passkey, recoveryCodes };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return { ok: false, code: 'conflict', message: 'This passkey is already registered.' };
    }
    throw error;
  }
}

export async function renamePasskey({
  userId,
  passkeyId,
  name,
}: {
  userId: string;
  passkeyId: string;
  name: string;
}): Promise<{ ok: true; name: string } | TwoFactorFailure> {
  const cleanName = cleanPasskeyName(name);
  if (!cleanName) return { ok: false, code: 'invalid_input', message: PASSKEY_NAME_MESSAGE, field: 'name' };
  const renamed = await prisma.webAuthnCredential.updateMany({
    where: { id: passkeyId, userId },
    data: { name: cleanName },
  });
  return renamed.count === 1
    ? { ok: true, name: cleanName }
    : { ok: false, code: 'not_found', message: 'This passkey no longer exists.' };
}

export async function removePasskey({
  userId,
  passkeyId,
  context,
}: {
  userId: string;
  passkeyId: string;
  context?: RequestContext;
}): Promise<{ ok: true } | TwoFactorFailure> {
  return prisma.$transaction(async (tx) => {
    await lockUser(tx, userId);
    const passkey = await tx.webAuthnCredential.findFirst({ where: { id: passkeyId, userId }, select: { name: true } });
    if (!passkey) return { ok: false as const, code: 'not_found' as const, message: 'This passkey no longer exists.' };
    await tx.webAuthnCredential.delete({ where: { id: passkeyId } });
    await dropRecoveryCodesIfNoFactor(tx, userId);
    await recordFactorChange(tx, { userId, change: 'removed', method: 'passkey', name: passkey.name, context });
    return { ok: true as const };
  });
}

/**
 * Options for navigator.credentials.get() listing the user's passkeys. The caller keeps
 * `options.challenge` (in its own AuthChallenge row) and passes it to verifyPasskeyAuthentication.
 */
export async function passkeyAuthenticationOptions({
  userId,
}: {
  userId: string;
}): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const passkeys = await prisma.webAuthnCredential.findMany({
    where: { userId },
    select: { credentialId: true, transports: true },
  });
  return generateAuthenticationOptions({
    rpID: relyingParty().rpID,
    allowCredentials: passkeys.map((key) => ({ id: key.credentialId, transports: key.transports })),
    userVerification: 'preferred',
  });
}

/**
 * True when `response` is a valid assertion of one of the user's passkeys over `expectedChallenge`, from
 * the portal's origin. Updates the signature counter (refusing one that went backwards, a cloned key) and
 * the last use. Anything wrong, malformed or unknown is false, never an exception.
 */
export async function verifyPasskeyAuthentication({
  userId,
  response,
  expectedChallenge,
}: {
  userId: string;
  response: AuthenticationResponseJSON;
  expectedChallenge: string;
}): Promise<boolean> {
  try {
    if (typeof response?.id !== 'string' || !expectedChallenge) return false;
    const passkey = await prisma.webAuthnCredential.findFirst({
      where: { credentialId: response.id, userId },
      select: { id: true, credentialId: true, publicKey: true, counter: true, transports: true },
    });
    if (!passkey) return false;
    const { rpID, origin } = relyingParty();
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpID,
      credential: {
        id: passkey.credentialId,
        publicKey: new Uint8Array(passkey.publicKey),
        counter: Number(passkey.counter),
        transports: passkey.transports,
      },
      requireUserVerification: false,
    });
    if (!verification.verified) return false;
    const newCounter = BigInt(verification.authenticationInfo.newCounter);
    // Authenticators that keep no counter always send 0; any other counter must move forward.
    const updated = await prisma.webAuthnCredential.updateMany({
      where: { id: passkey.id, OR: [{ counter: { lt: newCounter } }, ...(newCounter === 0n ? [{ counter: 0n }] : [])] },
      data: { counter: newCounter, lastUsedAt: new Date() },
    });
    return updated.count === 1;
  } catch {
    return false;
  }
}

// ————— Organization policy —————
