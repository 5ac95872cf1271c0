import { prisma } from '@/lib/db';
import { canManageCredentials, type Actor, type MemberActor } from '@/lib/identity/actor';
import { generateSecret, hashSecret, previewSecret } from '@/lib/credentials/format';
import type { CredentialScope } from '@/lib/credentials/rules';
import { forbidden, type CommandResult } from '@/lib/result';
import type { Prisma } from '@/lib/generated/prisma/client';
import { recordCredentialEvent, type RequestContext } from '@/lib/data/audit';
import { applyCredentialChange, insertCredentialRow, scopeOf } from '@/lib/data/credential-change';
import { CREATED_SELECT, createdView, type CredentialListItem } from '@/lib/data/credential-queries';
import { claimSlot, parseCredentialScopes, type CreateResult } from '@/lib/data/credential-slots';

/** The commands only a shared secret has: creating one (its value is shown once), rolling it, making it a decoy. */

type Tx = Prisma.TransactionClient;

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
  const row = await insertCredentialRow(
    tx,
    {
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
    CREATED_SELECT,
  );
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
    await recordCredentialEvent(tx, {
      credentialId: created.secret.id,
      actor,
      action: 'created',
      details: { kind: 'SECRET', scopes: scopes.scopes },
      context,
    });
    return { ok: true as const, ...created };
  });
}

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
  // The grace period ends on the secret's own clock (a tenant's test clock, when it has one): `at` below.
  const endsAt = (at: Date) => new Date(at.getTime() + graceSeconds * 1000);
  const result = await applyCredentialChange<Awaited<ReturnType<typeof insertSecret>>>({
    credentialId,
    scope: scopeOf(actor),
    action: 'roll',
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
    data: (created, _old, at) =>
      graceSeconds === 0
        ? { replacedById: created.secret.id, status: 'DISABLED', deactivatedAt: new Date() }
        : { replacedById: created.secret.id, deactivateAt: endsAt(at) },
    // One action, one event: the roll names its replacement and says when the old secret stops.
    event: (created, _old, at) => ({
      actor,
      action: 'rolled',
      details: {
        replacementId: created.secret.id,
        replacement: created.secret.preview,
        replacementName: created.secret.name,
        graceSeconds,
        deactivateAt: endsAt(at).toISOString(),
      },
      context,
    }),
  });
  return result.ok ? { ok: true, ...result.prepared, deactivateAt: endsAt(result.now) } : result;
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
