import { prisma } from '@/lib/db';
import { canManageCredentials, type Actor, type MemberActor } from '@/lib/identity/actor';
import { generateSecret, hashSecret, previewSecret } from '@/lib/credentials/format';
import type { CredentialScope } from '@/lib/credentials/rules';
import { conflict, forbidden, notFound, type CommandResult, type Result } from '@/lib/result';
import { Prisma } from '@/lib/generated/prisma/client';
import type { CredentialStatus } from '@/lib/generated/prisma/enums';
import { recordCredentialEvent as recordEvent, type RequestContext } from '@/lib/data/audit';
import { applyCredentialChange, scopeOf } from '@/lib/data/credential-change';
import { CREATED_SELECT, createdView, type CredentialListItem } from '@/lib/data/credential-queries';
import { claimSlot, lockClient, nameTaken, parseCredentialScopes } from '@/lib/data/credential-slots';

export type { RequestContext };

type Tx = Prisma.TransactionClient;

/** A command that also checks what a person typed (refusing it as `invalid_input`, next to its field). */
export type CreateResult<T extends object> = Result<T, 'forbidden' | 'not_found' | 'conflict' | 'invalid_input'>;

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
    scopes: CredentialScope[] | string[];
  },
) {
  const plaintext = generateSecret();
  const row = await tx.credential.create({
    data: {
      oauthClientId: input.oauthClientId,
      secretHash: hashSecret(plaintext),
      preview: previewSecret(plaintext),
      name: input.name,
      status: input.status,
      activatedAt: input.status === 'ACTIVE' ? new Date() : null,
      allowedCidrs: input.allowedCidrs ?? [],
      expiresAt: input.expiresAt ?? null,
      scopes: input.scopes,
      createdById: input.actor.userId,
    },
    select: CREATED_SELECT,
  });
  return { plaintext, secret: { ...createdView(row, input.actor), status: input.status } satisfies CredentialListItem };
}

/**
 * Creates a disabled secret for the actor's organization, within the limit even
 * under concurrent requests. The plaintext is in the return value and nowhere
 * else: only its hash and preview are stored. It may request every scope unless
 * `scopes` restricts it.
 */
export async function createSecret({
  actor,
  scopes: requested,
  context,
}: {
  actor: Actor;
  scopes?: readonly string[];
  context?: RequestContext;
}): Promise<CreateResult<{ secret: CredentialListItem; plaintext: string }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const scopes = parseCredentialScopes(requested);
  if (!scopes.ok) return scopes;
  return prisma.$transaction(async (tx) => {
    const slot = await claimSlot(tx, actor.membership.organizationId, 'SECRET');
    if (!slot.ok) return slot;
    const created = await insertSecret(tx, {
      oauthClientId: slot.oauthClientId,
      actor,
      name: slot.defaultName(),
      status: 'DISABLED',
      scopes: scopes.scopes,
    });
    await recordEvent(tx, {
      credentialId: created.secret.id,
      actor,
      action: 'created',
      details: { kind: 'SECRET', scopes: scopes.scopes },
      context,
    });
    return { ok: true as const, ...created };
  });
}

export async function renameCredential({
  actor,
  credentialId,
  name,
  context,
}: {
  actor: Actor;
  credentialId: string;
  name: string;
  context?: RequestContext;
}): Promise<CommandResult<{ name: string }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const current = await prisma.credential.findFirst({
    where: { id: credentialId, ...scopeOf(actor), status: { not: 'DELETED' } },
    select: { name: true },
  });
  if (!current) return notFound();
  if (current.name === name) return { ok: true, name };
  try {
    const result = await applyCredentialChange({
      credentialId,
      scope: scopeOf(actor),
      action: 'rename',
      // The same lock as creating and rolling, which pick free default names.
      prepare: async (tx) => void (await lockClient(tx, actor.membership.organizationId)),
      data: { name },
      event: (_prepared, before) => ({ actor, action: 'renamed', details: { from: before.name, to: name }, context }),
    });
    return result.ok ? { ok: true, name } : result;
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return nameTaken(name);
    }
    throw error;
  }
}

export async function setCredentialExpiry({
  actor,
  credentialId,
  expiresAt,
  context,
  now = new Date(),
}: {
  actor: Actor;
  credentialId: string;
  expiresAt: Date | null;
  context?: RequestContext;
  now?: Date;
}): Promise<CommandResult<{ expiresAt: Date | null }>> {
  if (!canManageCredentials(actor)) return forbidden();
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return conflict('Choose an expiry in the future.');
  const result = await applyCredentialChange({
    credentialId,
    scope: scopeOf(actor),
    action: 'setExpiry',
    now,
    data: { expiresAt },
    event: (_prepared, before) => ({
      actor,
      action: 'expiry_set',
      details: { expiresAt: expiresAt?.toISOString() ?? null, previous: before.expiresAt?.toISOString() ?? null },
      context,
    }),
  });
  return result.ok ? { ok: true, expiresAt } : result;
}

export async function setAllowedCidrs({
  actor,
  credentialId,
  cidrs,
  context,
}: {
  actor: Actor;
  credentialId: string;
  cidrs: string[];
  context?: RequestContext;
}): Promise<CommandResult<{ cidrs: string[] }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const result = await applyCredentialChange({
    credentialId,
    scope: scopeOf(actor),
    action: 'setAllowedAddresses',
    data: { allowedCidrs: cidrs },
    event: (_prepared, before) => ({
      actor,
      action: 'allowlist_set',
      details: { from: before.allowedCidrs, to: cidrs },
      context,
    }),
  });
  return result.ok ? { ok: true, cidrs } : result;
}

const TRANSITIONS = {
  activate: { to: 'ACTIVE', stamp: 'activatedAt', event: 'activated' },
  deactivate: { to: 'DISABLED', stamp: 'deactivatedAt', event: 'deactivated' },
  delete: { to: 'DELETED', stamp: 'deletedAt', event: 'deleted' },
} as const satisfies Record<
  string,
  { to: CredentialStatus; stamp: 'activatedAt' | 'deactivatedAt' | 'deletedAt'; event: string }
>;

export type CredentialTransition = keyof typeof TRANSITIONS;

/**
 * Moves one of the actor's organization's secrets from one status to the next,
 * under the lifecycle's rules (lib/credentials/lifecycle.ts), written into the
 * conditional UPDATE: two admins acting at once cannot both succeed, and a
 * secret of another organization is indistinguishable from one that does not
 * exist. It returns once every token endpoint instance has heard of the change.
 */
export async function changeCredentialStatus({
  actor,
  credentialId,
  transition,
  revokeTokens = false,
  context,
}: {
  actor: Actor;
  credentialId: string;
  transition: CredentialTransition;
  /** With deactivate: also refuse the access tokens the secret already issued. */
  revokeTokens?: boolean;
  context?: RequestContext;
}): Promise<CommandResult<{ credentialId: string; status: CredentialStatus }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const rule = TRANSITIONS[transition];
  const now = new Date();
  if (transition === 'deactivate' && revokeTokens) {
    const current = await prisma.credential.findFirst({
      where: { id: credentialId, ...scopeOf(actor) },
      select: { status: true },
    });
    if (current?.status === 'DISABLED') {
      // Already disabled (e.g. rolled with no grace period): revoking its issued tokens is still possible.
      const result = await applyCredentialChange({
        credentialId,
        scope: scopeOf(actor),
        action: 'revokeTokens',
        now,
        data: { tokensRevokedBefore: now },
        event: { actor, action: 'tokens_revoked', context },
      });
      return result.ok ? { ok: true, credentialId, status: 'DISABLED' } : result;
    }
  }
  const revoking = revokeTokens && transition === 'deactivate';
  const result = await applyCredentialChange({
    credentialId,
    scope: scopeOf(actor),
    action: transition,
    now,
    data: {
      status: rule.to,
      [rule.stamp]: now,
      // A manual deactivation replaces any scheduled one.
      ...(transition === 'deactivate' ? { deactivateAt: null } : {}),
      ...(revoking ? { tokensRevokedBefore: now } : {}),
    },
    event: { actor, action: rule.event, details: revoking ? { revokedTokens: true } : {}, context },
  });
  return result.ok ? { ok: true, credentialId, status: rule.to } : result;
}

export const activateCredential = (input: { actor: Actor; credentialId: string; context?: RequestContext }) =>
  changeCredentialStatus({ ...input, transition: 'activate' });
export const deactivateCredential = (input: {
  actor: Actor;
  credentialId: string;
  revokeTokens?: boolean;
  context?: RequestContext;
}) => changeCredentialStatus({ ...input, transition: 'deactivate' });
export const deleteCredential = (input: { actor: Actor; credentialId: string; context?: RequestContext }) =>
  changeCredentialStatus({ ...input, transition: 'delete' });

/**
 * Rolls an active secret (as Stripe's "roll key"): creates its replacement,
 * already active, and schedules the old one to stop after the grace period
 * (at once when it is zero).
 */
export async function rollSecret({
  actor,
  credentialId,
  graceSeconds,
  context,
}: {
  actor: Actor;
  credentialId: string;
  graceSeconds: number;
  context?: RequestContext;
}): Promise<CommandResult<{ secret: CredentialListItem; plaintext: string; deactivateAt: Date }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const now = new Date();
  const deactivateAt = new Date(now.getTime() + graceSeconds * 1000);
  const result = await applyCredentialChange<Awaited<ReturnType<typeof insertSecret>>>({
    credentialId,
    scope: scopeOf(actor),
    action: 'roll',
    now,
    prepare: async (tx, old) => {
      const slot = await claimSlot(tx, actor.membership.organizationId, 'SECRET');
      if (!slot.ok) return slot;
      return insertSecret(tx, {
        oauthClientId: old.oauthClientId,
        actor,
        name: slot.defaultName([...old.name].slice(0, 50).join('')),
        status: 'ACTIVE',
        allowedCidrs: old.allowedCidrs,
        expiresAt: old.expiresAt,
        scopes: old.scopes,
      });
    },
    data: (created) =>
      graceSeconds === 0
        ? { replacedById: created.secret.id, status: 'DISABLED', deactivatedAt: now }
        : { replacedById: created.secret.id, deactivateAt },
    // One action, one event: the roll names its replacement and says when the old secret stops.
    event: (created) => ({
      actor,
      action: 'rolled',
      details: {
        replacementId: created.secret.id,
        replacement: created.secret.preview,
        graceSeconds,
        deactivateAt: deactivateAt.toISOString(),
      },
      context,
    }),
  });
  return result.ok ? { ok: true, ...result.prepared, deactivateAt } : result;
}

/**
 * Turns a disabled secret into a decoy, for good: it can never be activated, and
 * any use of it at the token endpoint raises an alarm for the organization's admins.
 */
export async function makeDecoy({
  actor,
  credentialId,
  context,
}: {
  actor: Actor;
  credentialId: string;
  context?: RequestContext;
}): Promise<CommandResult> {
  if (!canManageCredentials(actor)) return forbidden();
  const result = await applyCredentialChange({
    credentialId,
    scope: scopeOf(actor),
    action: 'makeDecoy',
    data: { isDecoy: true },
    event: { actor, action: 'decoy_set', context },
  });
  return result.ok ? { ok: true } : result;
}
