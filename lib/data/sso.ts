import { createHash } from 'node:crypto';
import { prisma } from '@/lib/db';
import { now } from '@/lib/clock';
import { open, seal } from '@/lib/crypto/sealed';
import { recordAccountEvent, recordOrganizationEvent, type RequestContext } from '@/lib/data/audit';
import { normalizeEmail } from '@/lib/data/users';
import { Prisma } from '@/lib/generated/prisma/client';
import type { Actor } from '@/lib/identity/actor';
import { fail, type Result } from '@/lib/result';
import { emailDomain } from '@/lib/sso/rules';

/**
 * Single sign-on's queries: an organization's connection to its OpenID Connect identity provider (the client
 * secret sealed under the organization), the domains it covers (a domain names one organization: the
 * primary key of sso_domains), each trip to the identity provider (single-use), and who a returning person
 * is. The protocol itself is lib/auth/sso.ts; the pure rules are lib/sso/rules.ts.
 */

type Tx = Prisma.TransactionClient;

/** How long a person has at the identity provider, from "Continue with single sign-on" to the callback. */
export const SSO_AUTHORIZATION_SECONDS = 10 * 60;

const SETTINGS_UNAVAILABLE = 'Single sign-on settings are not available to your account.';
const ADMINS_ONLY = 'You need the Admin role to change single sign-on.';

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The associated data of a sealed client secret: it opens only on its own organization's row. */
const secretBinding = (organizationId: string) => `sso-client-secret:${organizationId}`;

// ————— The Security page —————

export interface SsoAdmin {
  userId: string;
  name: string;
  email: string;
  twoFactorEnabled: boolean;
}

export interface SsoSettingsView {
  configured: boolean;
  issuer: string;
  clientId: string;
  /** Whether a client secret is stored; the secret itself never leaves the server. */
  clientSecretSet: boolean;
  domains: string[];
  createAccounts: boolean;
  requireSso: boolean;
  breakGlassUserId: string | null;
  idpSatisfiesTwoFactor: boolean;
  /** The organization's admins, who may be named break-glass admin when they have a second factor. */
  admins: SsoAdmin[];
}

/** The settings of the actor's organization as its members may see them; null for someone in none. */
export async function ssoSettings({ actor }: { actor: Actor }): Promise<SsoSettingsView | null> {
  const organizationId = actor.membership?.organizationId;
  return organizationId ? settingsOf(organizationId) : null;
}

/**
 * A customer's settings for support staff's read-only view of the organization (never the secret); null for
 * anyone else. The support page records the visit in the customer's audit log before it reads this.
 */
export async function ssoSettingsForSupport({
  actor,
  organizationId,
}: {
  actor: Actor;
  organizationId: string;
}): Promise<SsoSettingsView | null> {
  return actor.platformRole === 'SUPPORT' ? settingsOf(organizationId) : null;
}

async function settingsOf(organizationId: string): Promise<SsoSettingsView> {
  const [connection, admins] = await Promise.all([
    prisma.ssoConnection.findUnique({
      where: { organizationId },
      select: {
        issuer: true,
        clientId: true,
        createAccounts: true,
        requireSso: true,
        breakGlassUserId: true,
        idpSatisfiesTwoFactor: true,
        domains: { select: { domain: true }, orderBy: { domain: 'asc' } },
      },
    }),
    organizationAdmins(prisma, organizationId),
  ]);
  return {
    configured: connection !== null,
    issuer: connection?.issuer ?? '',
    clientId: connection?.clientId ?? '',
    clientSecretSet: connection !== null,
    domains: connection?.domains.map((row) => row.domain) ?? [],
    createAccounts: connection?.createAccounts ?? false,
    requireSso: connection?.requireSso ?? false,
    breakGlassUserId: connection?.breakGlassUserId ?? null,
    idpSatisfiesTwoFactor: connection?.idpSatisfiesTwoFactor ?? false,
    admins,
  };
}

async function organizationAdmins(db: Tx | typeof prisma, organizationId: string): Promise<SsoAdmin[]> {
  return db.$queryRaw<SsoAdmin[]>`
    SELECT u.id::text AS "userId", u.name, u.email,
      (EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = u.id AND t.confirmed_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = u.id)) AS "twoFactorEnabled"
    FROM memberships m JOIN users u ON u.id = m.user_id
    WHERE m.organization_id = ${organizationId}::uuid AND m.role = 'ADMIN'
    ORDER BY u.name, u.email`;
}

export interface SsoSettingsInput {
  issuer: string;
  clientId: string;
  /** Empty keeps the stored secret (the form never shows it); required when there is none yet. */
  clientSecret: string;
  domains: string[];
  createAccounts: boolean;
  requireSso: boolean;
  breakGlassUserId: string | null;
  idpSatisfiesTwoFactor: boolean;
}

/**
 * Saves the organization's connection, under the organization's lock, with one audit row. Refused: anyone
 * but an admin of it; "Require single sign-on" without a break-glass admin; a break-glass person who is not
 * an admin of it with a second factor; a domain another organization already covers; no client secret.
 */
export async function saveSsoSettings({
  actor,
  input,
  context,
}: {
  actor: Actor;
  input: SsoSettingsInput;
  context?: RequestContext;
}): Promise<Result<{ settings: SsoSettingsView }>> {
  const organizationId = actor.membership?.organizationId;
  if (!organizationId) return fail('not_found', SETTINGS_UNAVAILABLE);
  try {
    const saved = await prisma.$transaction(async (tx): Promise<Result> => {
      if (!(await lockAsAdmin(tx, organizationId, actor.userId))) return fail('forbidden', ADMINS_ONLY);
      if (input.requireSso && !input.breakGlassUserId)
        return fail(
          'invalid_input',
          'Name a break-glass admin: without one, an outage of the identity provider locks everyone out.',
          'breakGlassUserId',
        );
      if (input.breakGlassUserId) {
        const admins = await organizationAdmins(tx, organizationId);
        const named = admins.find((admin) => admin.userId === input.breakGlassUserId);
        if (!named)
          return fail(
            'invalid_input',
            'The break-glass admin must be an admin of this organization.',
            'breakGlassUserId',
          );
        if (!named.twoFactorEnabled)
          return fail(
            'invalid_input',
            `${named.name} has no two-factor authentication: the break-glass admin must have it.`,
            'breakGlassUserId',
          );
      }
      const existing = await tx.ssoConnection.findUnique({
        where: { organizationId },
        select: { organizationId: true },
      });
      if (!existing && !input.clientSecret)
        return fail('invalid_input', 'Enter the client secret the identity provider gave you.', 'clientSecret');
      const taken = await tx.ssoDomain.findFirst({
        where: { domain: { in: input.domains }, organizationId: { not: organizationId } },
        select: { domain: true },
      });
      if (taken) return fail('conflict', `${taken.domain} already signs in through another organization.`, 'domains');

      const fields = {
        issuer: input.issuer,
        clientId: input.clientId,
        createAccounts: input.createAccounts,
        requireSso: input.requireSso,
        breakGlassUserId: input.breakGlassUserId,
        idpSatisfiesTwoFactor: input.idpSatisfiesTwoFactor,
        updatedAt: now(),
        ...(input.clientSecret
          ? { clientSecretEnc: seal(secretBinding(organizationId), Buffer.from(input.clientSecret, 'utf8')) }
          : {}),
      };
      await tx.ssoConnection.upsert({
        where: { organizationId },
        create: { organizationId, clientSecretEnc: '', ...fields },
        update: fields,
      });
      await tx.ssoDomain.deleteMany({ where: { organizationId, domain: { notIn: input.domains } } });
      await tx.ssoDomain.createMany({
        data: input.domains.map((domain) => ({ domain, organizationId })),
        skipDuplicates: true,
      });
      await recordOrganizationEvent(tx, {
        organizationId,
        actor,
        action: 'sso_settings_changed',
        details: {
          issuer: input.issuer,
          clientId: input.clientId,
          clientSecretChanged: input.clientSecret !== '',
          domains: input.domains,
          createAccounts: input.createAccounts,
          requireSso: input.requireSso,
          breakGlassUserId: input.breakGlassUserId,
          idpSatisfiesTwoFactor: input.idpSatisfiesTwoFactor,
        },
        context,
      });
      return { ok: true };
    });
    if (!saved.ok) return saved;
  } catch (error) {
    // Another organization took a domain between the check and the insert.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      return fail('conflict', 'One of these domains already signs in through another organization.', 'domains');
    throw error;
  }
  const settings = await ssoSettings({ actor });
  return settings ? { ok: true, settings } : fail('not_found', SETTINGS_UNAVAILABLE);
}

/** Turns single sign-on off: the connection, its domains and its open trips go; password sign-in works again. */
export async function removeSsoSettings({
  actor,
  context,
}: {
  actor: Actor;
  context?: RequestContext;
}): Promise<Result> {
  const organizationId = actor.membership?.organizationId;
  if (!organizationId) return fail('not_found', SETTINGS_UNAVAILABLE);
  return prisma.$transaction(async (tx) => {
    if (!(await lockAsAdmin(tx, organizationId, actor.userId))) return fail('forbidden', ADMINS_ONLY);
    const { count } = await tx.ssoConnection.deleteMany({ where: { organizationId } });
    if (count === 0) return { ok: true as const };
    await tx.ssoAuthorization.deleteMany({ where: { organizationId } });
    await recordOrganizationEvent(tx, { organizationId, actor, action: 'sso_removed', context });
    return { ok: true as const };
  });
}

/** Locks the organization (its settings change one at a time) when the user is one of its admins. */
async function lockAsAdmin(tx: Tx, organizationId: string, userId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT o.id::text FROM organizations o
    WHERE o.id = ${organizationId}::uuid
      AND EXISTS (SELECT 1 FROM memberships m
                  WHERE m.organization_id = o.id AND m.user_id = ${userId}::uuid AND m.role = 'ADMIN')
    FOR NO KEY UPDATE`;
  return rows.length === 1;
}

// ————— Signing in —————

export interface SsoConnection {
  organizationId: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  domains: string[];
  createAccounts: boolean;
  idpSatisfiesTwoFactor: boolean;
}

async function connectionWhere(where: Prisma.SsoConnectionWhereInput): Promise<SsoConnection | null> {
  const row = await prisma.ssoConnection.findFirst({
    where,
    select: {
      organizationId: true,
      issuer: true,
      clientId: true,
      clientSecretEnc: true,
      createAccounts: true,
      idpSatisfiesTwoFactor: true,
      domains: { select: { domain: true } },
    },
  });
  if (!row) return null;
  return {
    organizationId: row.organizationId,
    issuer: row.issuer,
    clientId: row.clientId,
    clientSecret: open(secretBinding(row.organizationId), row.clientSecretEnc).toString('utf8'),
    domains: row.domains.map((domain) => domain.domain),
    createAccounts: row.createAccounts,
    idpSatisfiesTwoFactor: row.idpSatisfiesTwoFactor,
  };
}

/** The connection that covers an email's domain, with its client secret opened; null when none does. */
export function findSsoConnectionForEmail({ email }: { email: string }): Promise<SsoConnection | null> {
  const domain = emailDomain(email);
  return domain ? connectionWhere({ domains: { some: { domain } } }) : Promise.resolve(null);
}

export function findSsoConnection({ organizationId }: { organizationId: string }): Promise<SsoConnection | null> {
  return connectionWhere({ organizationId });
}

/**
 * Remembers a trip to the identity provider: the state and the browser cookie only as hashes, the nonce, and
 * the PKCE verifier sealed under the trip.
 */
export async function createSsoAuthorization({
  organizationId,
  state,
  browserToken,
  nonce,
  codeVerifier,
  returnPath,
}: {
  organizationId: string;
  state: string;
  browserToken: string;
  nonce: string;
  codeVerifier: string;
  returnPath: string;
}) {
  const at = now();
  const stateHash = sha256(state);
  await prisma.ssoAuthorization.create({
    data: {
      stateHash,
      browserHash: sha256(browserToken),
      organizationId,
      nonce,
      codeVerifierEnc: seal(`sso-verifier:${stateHash}`, Buffer.from(codeVerifier, 'utf8')),
      returnPath,
      createdAt: at,
      expiresAt: new Date(at.getTime() + SSO_AUTHORIZATION_SECONDS * 1000),
    },
  });
}

/**
 * Takes the trip a callback names, once: its state, from the browser that started it, before it expired. A
 * replayed callback, a state from another browser (a link planted by someone else) and a forged state all
 * find nothing.
 */
export async function consumeSsoAuthorization({
  state,
  browserToken,
}: {
  state: string;
  browserToken: string;
}): Promise<{ organizationId: string; nonce: string; codeVerifier: string; returnPath: string } | null> {
  const stateHash = sha256(state);
  const rows = await prisma.ssoAuthorization.updateManyAndReturn({
    where: { stateHash, browserHash: sha256(browserToken), consumedAt: null, expiresAt: { gt: now() } },
    data: { consumedAt: now() },
    select: { organizationId: true, nonce: true, codeVerifierEnc: true, returnPath: true },
  });
  const row = rows[0];
  if (!row) return null;
  return {
    organizationId: row.organizationId,
    nonce: row.nonce,
    returnPath: row.returnPath,
    codeVerifier: open(`sso-verifier:${stateHash}`, row.codeVerifierEnc).toString('utf8'),
  };
}

export type SsoPerson =
  | { ok: true; userId: string; created: boolean }
  | { ok: false; reason: 'no_account' | 'not_member' };

/**
 * Who a verified email is in the organization: the member with that email (the membership looked up by user
 * and organization), or, when the connection creates accounts, a new person made a Viewer of it. An account
 * with that email that is not a member of it is refused, as is a new person when accounts are not created.
 * `passwordHash` is the new account's: a hash of a password nobody knows, so SSO is its only way in.
 */
export async function resolveSsoPerson({
  organizationId,
  email,
  name,
  createAccounts,
  passwordHash,
  context,
}: {
  organizationId: string;
  email: string;
  name: string;
  createAccounts: boolean;
  passwordHash: () => Promise<string>;
  context?: RequestContext;
}): Promise<SsoPerson> {
  const address = normalizeEmail(email);
  const existing = await memberByEmail(organizationId, address);
  if (existing) return existing;
  if (!createAccounts) return { ok: false, reason: 'no_account' };
  const hashed = await passwordHash();
  try {
    const userId = await prisma.$transaction(async (tx) => {
      const user = await tx.user.create({
        data: {
          email: address,
          name,
          passwordHash: hashed,
          memberships: { create: { organizationId, role: 'VIEWER' } },
        },
        select: { id: true },
      });
      await recordAccountEvent(tx, {
        userId: user.id,
        action: 'sso_account_created',
        details: { email: address, name, role: 'VIEWER' },
        context,
      });
      return user.id;
    });
    return { ok: true, userId, created: true };
  } catch (error) {
    // Two first sign-ins of the same person at once: the other made the account.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      return (await memberByEmail(organizationId, address)) ?? { ok: false, reason: 'not_member' };
    throw error;
  }
}

async function memberByEmail(organizationId: string, email: string): Promise<SsoPerson | null> {
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  if (!user) return null;
  const membership = await prisma.membership.findFirst({
    where: { userId: user.id, organizationId },
    select: { id: true },
  });
  return membership ? { ok: true, userId: user.id, created: false } : { ok: false, reason: 'not_member' };
}

/**
 * Whether a right password may still sign this user in: not when one of their organizations requires single
 * sign-on, unless they are its break-glass admin and still an admin of it with a second factor (checked
 * now, not only when the setting was saved). Returns the organization that refuses, or null.
 */
export async function passwordRefusedBySso({ userId }: { userId: string }): Promise<string | null> {
  const rows = await prisma.$queryRaw<{ organizationId: string }[]>`
    SELECT c.organization_id::text AS "organizationId"
    FROM memberships m JOIN sso_connections c ON c.organization_id = m.organization_id
    WHERE m.user_id = ${userId}::uuid AND c.require_sso
      AND NOT (c.break_glass_user_id = m.user_id AND m.role = 'ADMIN'
        AND (EXISTS (SELECT 1 FROM totp_factors t WHERE t.user_id = m.user_id AND t.confirmed_at IS NOT NULL)
          OR EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = m.user_id)))
    LIMIT 1`;
  return rows[0]?.organizationId ?? null;
}

/** Trips are short-lived; the scheduler's pruning removes those an hour past their expiry. */
export async function pruneSsoAuthorizations(): Promise<number> {
  const { count } = await prisma.ssoAuthorization.deleteMany({
    where: { expiresAt: { lt: new Date(now().getTime() - 3_600_000) } },
  });
  return count;
}
