import { prisma } from '@/lib/db';
import { canManageCredentials, type Actor } from '@/lib/identity/actor';
import type { CredentialScope } from '@/lib/credentials/rules';
import { forbidden, notFound, type CommandResult } from '@/lib/result';
import { Prisma } from '@/lib/generated/prisma/client';
import type { CredentialStatus } from '@/lib/generated/prisma/enums';
import type { RequestContext } from '@/lib/data/audit';
import { applyCredentialChange, scopeOf } from '@/lib/data/credential-change';
import { lockClient, nameTaken, parseCredentialScopes, type CreateResult } from '@/lib/data/credential-slots';

export type { RequestContext };

/**
 * The commands every kind of credential has (secret, public key, trusted workload): rename, expiry, allowed
 * addresses, scopes, and the status transitions. Each goes through applyCredentialChange.
 */

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
  now,
}: {
  actor: Actor;
  credentialId: string;
  expiresAt: Date | null;
  context?: RequestContext;
  now?: Date;
}): Promise<CommandResult<{ expiresAt: Date | null }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const result = await applyCredentialChange({
    credentialId,
    scope: scopeOf(actor),
    action: 'setExpiry',
    now,
    // In the future of the credential's own now (a tenant's test clock, when it has one).
    refuse: (_current, at) =>
      expiresAt && expiresAt.getTime() <= at.getTime() ? 'Choose an expiry in the future.' : null,
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
        data: { tokensRevokedBefore: now },
        event: { actor, action: 'tokens_revoked', context },
      });
      return result.ok ? { ok: true, credentialId, status: 'DISABLED' } : result;
    }
  }
  const revoking = revokeTokens && transition === 'deactivate';
  // `now` stamps when it happened (real time, as access tokens' iat are); whether the credential allows the
  // transition is judged at its own now (a tenant's test clock), which applyCredentialChange reads.
  const result = await applyCredentialChange({
    credentialId,
    scope: scopeOf(actor),
    action: transition,
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
 * Changes which scopes a credential (of any kind) may request. Tokens it already issued keep theirs; the
 * token endpoints forget the old scopes before this returns.
 */
export async function setCredentialScopes({
  actor,
  credentialId,
  scopes: requested,
  context,
}: {
  actor: Actor;
  credentialId: string;
  scopes: readonly string[];
  context?: RequestContext;
}): Promise<CreateResult<{ scopes: CredentialScope[] }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const parsed = parseCredentialScopes(requested);
  if (!parsed.ok) return parsed;
  const { scopes } = parsed;
  const current = await prisma.credential.findFirst({
    where: { id: credentialId, ...scopeOf(actor), status: { not: 'DELETED' } },
    select: { scopes: true },
  });
  if (!current) return notFound();
  if (sameScopes(current.scopes, scopes)) return { ok: true, scopes };
  const result: CommandResult = await applyCredentialChange({
    credentialId,
    scope: scopeOf(actor),
    action: 'setScopes',
    data: { scopes },
    event: (_prepared, before) => ({
      actor,
      action: 'scopes_changed',
      details: { from: before.scopes, to: scopes },
      context,
    }),
  });
  return result.ok ? { ok: true, scopes } : result;
}

function sameScopes(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((scope) => b.includes(scope));
}
