import { prisma } from '@/lib/db';
import { canManageSecrets, type Actor, type MemberActor } from '@/lib/auth/actor';
import { generateSecret, hashSecret, previewSecret } from '@/lib/secrets/format';
import { maxSecretsPerClient } from '@/lib/secrets/rules';
import { conflict, forbidden, notFound, type CommandResult } from '@/lib/result';
import { Prisma } from '@/lib/generated/prisma/client';
import type { SecretStatus } from '@/lib/generated/prisma/enums';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { recordSecretEvent as recordEvent, type RequestContext } from '@/lib/data/audit';

export type { RequestContext };

export interface SecretListItem {
  id: string;
  name: string;
  preview: string;
  status: Exclude<SecretStatus, 'DELETED'>;
  createdAt: Date;
  createdByName: string | null;
  activatedAt: Date | null;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  deactivateAt: Date | null;
  replacedById: string | null;
  allowedCidrs: string[];
  isDecoy: boolean;
}

const LIST_SELECT = {
  id: true,
  name: true,
  preview: true,
  status: true,
  createdAt: true,
  activatedAt: true,
  lastUsedAt: true,
  expiresAt: true,
  deactivateAt: true,
  replacedById: true,
  allowedCidrs: true,
  isDecoy: true,
  createdBy: { select: { name: true } },
} satisfies Prisma.SecretSelect;

function toListItem({ createdBy, status, ...row }: Prisma.SecretGetPayload<{ select: typeof LIST_SELECT }>): SecretListItem {
  return { ...row, status: status as SecretListItem['status'], createdByName: createdBy?.name ?? null };
}

/** The organization's secrets, newest first; deleted ones are not listed. */
export async function listSecrets({ organizationId }: { organizationId: string }): Promise<SecretListItem[]> {
  const rows = await prisma.secret.findMany({
    where: { oauthClient: { organizationId }, status: { not: 'DELETED' } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: LIST_SELECT,
  });
  return rows.map(toListItem);
}

/** One secret of the organization (deleted ones included, for their history), or null. */
export async function getSecret({ organizationId, secretId }: { organizationId: string; secretId: string }) {
  const row = await prisma.secret.findFirst({
    where: { id: secretId, oauthClient: { organizationId } },
    select: { ...LIST_SELECT, lastUsedAddress: true, lastUsedUserAgent: true, tokensRevokedBefore: true, replaces: { select: { id: true, name: true } } },
  });
  if (!row) return null;
  const { lastUsedAddress, lastUsedUserAgent, tokensRevokedBefore, replaces, status, ...rest } = row;
  return { ...toListItem({ ...rest, status }), deleted: status === 'DELETED', lastUsedAddress, lastUsedUserAgent, tokensRevokedBefore, replaces };
}

type Tx = Prisma.TransactionClient;

/** Locks the client row so that concurrent creates count secrets one after another. */
async function lockClient(tx: Tx, organizationId: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM oauth_clients WHERE organization_id = ${organizationId}::uuid FOR UPDATE`;
  return rows[0]?.id ?? null;
}

async function limitReached(tx: Tx, oauthClientId: string) {
  const count = await tx.secret.count({ where: { oauthClientId, status: { not: 'DELETED' } } });
  return count >= maxSecretsPerClient();
}

export function limitMessage() {
  const max = maxSecretsPerClient();
  return `Your account already has ${max} secrets, the most allowed. Delete a secret you no longer use to add another.`;
}

/** "Secret N" with the first N, from the count of secrets on, that is free. */
async function defaultName(tx: Tx, oauthClientId: string, base?: string) {
  const taken = new Set(
    (await tx.secret.findMany({ where: { oauthClientId }, select: { name: true } })).map((row) => row.name),
  );
  if (base) {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? `${base} (rolled)` : `${base} (rolled ${n})`;
      if (candidate.length <= 64 && !taken.has(candidate)) return candidate;
      if (candidate.length > 64) return defaultName(tx, oauthClientId);
    }
  }
  for (let n = taken.size + 1; ; n++) if (!taken.has(`Secret ${n}`)) return `Secret ${n}`;
}

/** Counts how many secrets the organization has, and whether it may add one. */
export async function secretAllowance({ organizationId }: { organizationId: string }) {
  const count = await prisma.secret.count({ where: { oauthClient: { organizationId }, status: { not: 'DELETED' } } });
  return { count, max: maxSecretsPerClient(), canAdd: count < maxSecretsPerClient() };
}

async function insertSecret(
  tx: Tx,
  input: {
    oauthClientId: string;
    actor: MemberActor;
    name: string;
    status: 'ACTIVE' | 'DISABLED';
    /** A replacement keeps the restrictions of the secret it replaces. */
    allowedCidrs?: string[];
    expiresAt?: Date | null;
  },
) {
  const plaintext = generateSecret();
  const row = await tx.secret.create({
    data: {
      oauthClientId: input.oauthClientId,
      secretHash: hashSecret(plaintext),
      preview: previewSecret(plaintext),
      name: input.name,
      status: input.status,
      activatedAt: input.status === 'ACTIVE' ? new Date() : null,
      allowedCidrs: input.allowedCidrs ?? [],
      expiresAt: input.expiresAt ?? null,
      createdById: input.actor.userId,
    },
    select: LIST_SELECT,
  });
  return { plaintext, secret: toListItem(row) };
}

/**
 * Creates a disabled secret for the actor's organization, within the limit even
 * under concurrent requests. The plaintext is in the return value and nowhere
 * else: only its hash and preview are stored.
 */
export async function createSecret({
  actor,
  context,
}: {
  actor: Actor;
  context?: RequestContext;
}): Promise<CommandResult<{ secret: SecretListItem; plaintext: string }>> {
  if (!canManageSecrets(actor)) return forbidden();
  return prisma.$transaction(async (tx) => {
    const oauthClientId = await lockClient(tx, actor.membership.organizationId);
    if (!oauthClientId) return notFound('Your organization has no OAuth client. Contact support.');
    if (await limitReached(tx, oauthClientId)) return conflict(limitMessage());
    const created = await insertSecret(tx, { oauthClientId, actor, name: await defaultName(tx, oauthClientId), status: 'DISABLED' });
    await recordEvent(tx, { secretId: created.secret.id, actor, action: 'created', context });
    return { ok: true as const, ...created };
  });
}

function ownedWhere(actor: MemberActor, secretId: string) {
  return { id: secretId, oauthClient: { organizationId: actor.membership.organizationId }, status: { not: 'DELETED' as const } };
}

export async function renameSecret({
  actor,
  secretId,
  name,
  context,
}: {
  actor: Actor;
  secretId: string;
  name: string;
  context?: RequestContext;
}): Promise<CommandResult<{ name: string }>> {
  if (!canManageSecrets(actor)) return forbidden();
  try {
    return await prisma.$transaction(async (tx) => {
      // The same lock as creating and rolling, which pick free default names.
      await lockClient(tx, actor.membership.organizationId);
      const current = await tx.secret.findFirst({ where: ownedWhere(actor, secretId), select: { name: true } });
      if (!current) return notFound();
      if (current.name === name) return { ok: true as const, name };
      await tx.secret.update({ where: { id: secretId }, data: { name } });
      await recordEvent(tx, { secretId, actor, action: 'renamed', details: { from: current.name, to: name }, context });
      return { ok: true as const, name };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return conflict(`Another secret of this account is already named “${name}”. Choose another name.`);
    }
    throw error;
  }
}

export async function setSecretExpiry({
  actor,
  secretId,
  expiresAt,
  context,
  now = new Date(),
}: {
  actor: Actor;
  secretId: string;
  expiresAt: Date | null;
  context?: RequestContext;
  now?: Date;
}): Promise<CommandResult<{ expiresAt: Date | null }>> {
  if (!canManageSecrets(actor)) return forbidden();
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return conflict('Choose an expiry in the future.');
  const current = await prisma.secret.findFirst({ where: ownedWhere(actor, secretId), select: { secretHash: true, expiresAt: true } });
  if (!current) return notFound();
  if (current.expiresAt && current.expiresAt.getTime() <= now.getTime()) {
    return conflict('This secret has already expired. Create a new secret instead.');
  }
  await secretVerifier.change(
    current.secretHash,
    () =>
      prisma.$transaction(async (tx) => {
        const { count } = await tx.secret.updateMany({ where: { id: secretId, status: { not: 'DELETED' } }, data: { expiresAt } });
        if (count === 0) return;
        await recordEvent(tx, {
          secretId,
          actor,
          action: 'expiry_set',
          details: { expiresAt: expiresAt?.toISOString() ?? null, previous: current.expiresAt?.toISOString() ?? null },
          context,
        });
      }),
    () => true,
  );
  return { ok: true, expiresAt };
}

export async function setAllowedCidrs({
  actor,
  secretId,
  cidrs,
  context,
}: {
  actor: Actor;
  secretId: string;
  cidrs: string[];
  context?: RequestContext;
}): Promise<CommandResult<{ cidrs: string[] }>> {
  if (!canManageSecrets(actor)) return forbidden();
  const current = await prisma.secret.findFirst({ where: ownedWhere(actor, secretId), select: { secretHash: true, allowedCidrs: true } });
  if (!current) return notFound();
  await secretVerifier.change(
    current.secretHash,
    () =>
      prisma.$transaction(async (tx) => {
        const { count } = await tx.secret.updateMany({ where: { id: secretId, status: { not: 'DELETED' } }, data: { allowedCidrs: cidrs } });
        if (count === 0) return;
        await recordEvent(tx, { secretId, actor, action: 'allowlist_set', details: { from: current.allowedCidrs, to: cidrs }, context });
      }),
    () => true,
  );
  return { ok: true, cidrs };
}

type Transition = {
  from: SecretStatus;
  to: SecretStatus;
  stamp: 'activatedAt' | 'deactivatedAt' | 'deletedAt';
  event: string;
  /** Why the change cannot happen from each other status. */
  refusals: Partial<Record<SecretStatus, string>>;
};

const TRANSITIONS = {
  activate: { from: 'DISABLED', to: 'ACTIVE', stamp: 'activatedAt', event: 'activated', refusals: { ACTIVE: 'This secret is already active.' } },
  deactivate: { from: 'ACTIVE', to: 'DISABLED', stamp: 'deactivatedAt', event: 'deactivated', refusals: { DISABLED: 'This secret is already disabled.' } },
  delete: { from: 'DISABLED', to: 'DELETED', stamp: 'deletedAt', event: 'deleted', refusals: { ACTIVE: 'Deactivate this secret before deleting it.' } },
} satisfies Record<string, Transition>;

export type SecretTransition = keyof typeof TRANSITIONS;

/**
 * Moves one of the actor's organization's secrets from one status to the next.
 * The write is a conditional UPDATE, so two admins acting at once cannot both
 * succeed, and a secret of another organization is indistinguishable from one
 * that does not exist. It returns once every token endpoint instance has heard
 * of the change (see secretVerifier.change).
 */
export async function changeSecretStatus({
  actor,
  secretId,
  transition,
  revokeTokens = false,
  context,
}: {
  actor: Actor;
  secretId: string;
  transition: SecretTransition;
  /** With deactivate: also refuse the access tokens the secret already issued. */
  revokeTokens?: boolean;
  context?: RequestContext;
}): Promise<CommandResult<{ secretId: string; status: SecretStatus }>> {
  if (!canManageSecrets(actor)) return forbidden();
  const rule: Transition = TRANSITIONS[transition];
  const owned = { id: secretId, oauthClient: { organizationId: actor.membership.organizationId } };

  const current = await prisma.secret.findFirst({
    where: owned,
    select: { status: true, secretHash: true, expiresAt: true, isDecoy: true, replacedById: true },
  });
  if (!current || current.status === 'DELETED') return notFound();
  const now = new Date();
  if (transition === 'activate' && current.isDecoy) return conflict('A decoy secret can never be activated.');
  if (transition === 'activate' && current.replacedById) {
    return conflict('This secret was rolled and replaced; it cannot be activated again. Use its replacement.');
  }
  if (transition === 'deactivate' && revokeTokens && current.status === 'DISABLED') {
    // Already disabled (e.g. rolled with no grace period): revoking its issued tokens is still possible.
    await secretVerifier.change(
      current.secretHash,
      () =>
        prisma.$transaction(async (tx) => {
          await tx.secret.update({ where: { id: secretId }, data: { tokensRevokedBefore: now } });
          await recordEvent(tx, { secretId, actor, action: 'tokens_revoked', context });
        }),
      () => true,
    );
    return { ok: true, secretId, status: 'DISABLED' };
  }
  if (transition === 'activate' && current.expiresAt && current.expiresAt <= now) {
    return conflict('This secret has expired and cannot be activated again. Create a new secret instead.');
  }
  const revoking = revokeTokens && transition === 'deactivate';

  const count = await secretVerifier.change(
    current.secretHash,
    () =>
      prisma.$transaction(async (tx) => {
        const { count } = await tx.secret.updateMany({
          where: { ...owned, status: rule.from },
          data: {
            status: rule.to,
            [rule.stamp]: now,
            // A manual deactivation replaces any scheduled one.
            ...(transition === 'deactivate' ? { deactivateAt: null } : {}),
            ...(revoking ? { tokensRevokedBefore: now } : {}),
          },
        });
        if (count === 1) {
          await recordEvent(tx, { secretId, actor, action: rule.event, details: revoking ? { revokedTokens: true } : {}, context });
        }
        return count;
      }),
    (updated) => updated === 1,
  );
  if (count === 1) return { ok: true, secretId, status: rule.to };
  const latest = await prisma.secret.findFirst({ where: owned, select: { status: true } });
  if (!latest || latest.status === 'DELETED') return notFound();
  return conflict(rule.refusals[latest.status] ?? 'This secret changed meanwhile. Reload the page.');
}

export const activateSecret = (input: { actor: Actor; secretId: string; context?: RequestContext }) =>
  changeSecretStatus({ ...input, transition: 'activate' });
export const deactivateSecret = (input: { actor: Actor; secretId: string; revokeTokens?: boolean; context?: RequestContext }) =>
  changeSecretStatus({ ...input, transition: 'deactivate' });
export const deleteSecret = (input: { actor: Actor; secretId: string; context?: RequestContext }) =>
  changeSecretStatus({ ...input, transition: 'delete' });

/**
 * Rolls an active secret (as Stripe's "roll key"): creates its replacement,
 * already active, and schedules the old one to stop after the grace period
 * (at once when it is zero).
 */
export async function rollSecret({
  actor,
  secretId,
  graceSeconds,
  context,
}: {
  actor: Actor;
  secretId: string;
  graceSeconds: number;
  context?: RequestContext;
}): Promise<CommandResult<{ secret: SecretListItem; plaintext: string; deactivateAt: Date }>> {
  if (!canManageSecrets(actor)) return forbidden();
  const old = await prisma.secret.findFirst({
    where: ownedWhere(actor, secretId),
    select: {
      status: true,
      secretHash: true,
      name: true,
      expiresAt: true,
      replacedById: true,
      oauthClientId: true,
      preview: true,
      allowedCidrs: true,
    },
  });
  if (!old) return notFound();
  const now = new Date();
  if (old.status !== 'ACTIVE' || (old.expiresAt && old.expiresAt <= now)) return conflict('Only an active secret can be rolled.');
  if (old.replacedById) return conflict('This secret has already been rolled.');
  const deactivateAt = new Date(now.getTime() + graceSeconds * 1000);

  const result = await secretVerifier.change(
    old.secretHash,
    () =>
      prisma.$transaction(async (tx) => {
        await lockClient(tx, actor.membership.organizationId);
        if (await limitReached(tx, old.oauthClientId)) return conflict(limitMessage());
        const created = await insertSecret(tx, {
          oauthClientId: old.oauthClientId,
          actor,
          name: await defaultName(tx, old.oauthClientId, [...old.name].slice(0, 50).join('')),
          status: 'ACTIVE',
          allowedCidrs: old.allowedCidrs,
          expiresAt: old.expiresAt,
        });
        const { count } = await tx.secret.updateMany({
          where: { id: secretId, status: 'ACTIVE', replacedById: null },
          data:
            graceSeconds === 0
              ? { replacedById: created.secret.id, status: 'DISABLED', deactivatedAt: now }
              : { replacedById: created.secret.id, deactivateAt },
        });
        if (count !== 1) throw new RollRaced();
        // One action, one event: the roll names its replacement and says when the old secret stops.
        await recordEvent(tx, {
          secretId,
          actor,
          action: 'rolled',
          details: {
            replacementId: created.secret.id,
            replacement: created.secret.preview,
            graceSeconds,
            deactivateAt: deactivateAt.toISOString(),
          },
          context,
        });
        return { ok: true as const, ...created, deactivateAt };
      }),
    (outcome) => outcome.ok,
  ).catch((error: unknown) => {
    if (error instanceof RollRaced) return conflict('This secret changed meanwhile. Reload the page.');
    throw error;
  });
  return result;
}

class RollRaced extends Error {}

/**
 * Records, once, each secret whose expiry has passed ("Expired", by the system,
 * dated at the expiry). The token endpoint refused it from that instant already.
 */
export async function recordExpiries(now = new Date()): Promise<number> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH due AS (
      UPDATE secrets SET expiry_recorded_at = expires_at
      WHERE expires_at <= ${now} AND expiry_recorded_at IS DISTINCT FROM expires_at AND status <> 'DELETED'
      RETURNING id, preview, oauth_client_id, expires_at
    ), events AS (
      INSERT INTO audit_events (id, organization_id, actor_name, actor_role, action, secret_id, secret_preview, details, created_at)
      SELECT gen_random_uuid(), c.organization_id, 'System', 'SYSTEM', 'expired', due.id, due.preview, '{}'::jsonb, due.expires_at
      FROM due JOIN oauth_clients c ON c.id = due.oauth_client_id
    )
    SELECT id FROM due`;
  return rows.length;
}

/**
 * Deactivates rolled secrets whose grace period has ended and records each, as
 * the system. Run by every instance every second; each secret is changed, and
 * recorded, by exactly one of them.
 */
export async function runScheduledDeactivations(now = new Date()): Promise<number> {
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    WITH due AS (
      UPDATE secrets SET status = 'DISABLED', deactivated_at = deactivate_at
      WHERE status = 'ACTIVE' AND deactivate_at <= ${now}
      RETURNING id, preview, oauth_client_id, deactivate_at
    ), events AS (
      INSERT INTO audit_events (id, organization_id, actor_name, actor_role, action, secret_id, secret_preview, details, created_at)
      SELECT gen_random_uuid(), c.organization_id, 'System', 'SYSTEM', 'deactivated', due.id, due.preview,
             jsonb_build_object('scheduled', true), due.deactivate_at
      FROM due JOIN oauth_clients c ON c.id = due.oauth_client_id
    )
    SELECT id FROM due`;
  return rows.length;
}

/**
 * Turns a disabled secret into a decoy, for good: it can never be activated, and
 * any use of it at the token endpoint raises an alarm for the organization's admins.
 */
export async function makeDecoy({
  actor,
  secretId,
  context,
}: {
  actor: Actor;
  secretId: string;
  context?: RequestContext;
}): Promise<CommandResult> {
  if (!canManageSecrets(actor)) return forbidden();
  const current = await prisma.secret.findFirst({ where: ownedWhere(actor, secretId), select: { status: true, isDecoy: true, secretHash: true } });
  if (!current) return notFound();
  if (current.isDecoy) return conflict('This secret is already a decoy.');
  if (current.status !== 'DISABLED') return conflict('Only a disabled secret can become a decoy. Deactivate it first.');
  const count = await secretVerifier.change(
    current.secretHash,
    () =>
      prisma.$transaction(async (tx) => {
        const { count } = await tx.secret.updateMany({ where: { id: secretId, status: 'DISABLED', isDecoy: false }, data: { isDecoy: true } });
        if (count === 1) await recordEvent(tx, { secretId, actor, action: 'decoy_set', context });
        return count;
      }),
    (updated) => updated === 1,
  );
  return count === 1 ? { ok: true } : conflict('This secret changed meanwhile. Reload the page.');
}
