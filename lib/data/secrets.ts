import { prisma } from '@/lib/db';
import { canManageSecrets, type Actor } from '@/lib/auth/actor';
import { generateSecret, hashSecret, previewSecret } from '@/lib/secrets/format';
import { conflict, forbidden, notFound, type CommandResult } from '@/lib/data/result';
import type { SecretStatus } from '@/lib/generated/prisma/enums';
import { secretVerifier } from '@/lib/oauth/secret-verifier';

export interface SecretListItem {
  id: string;
  preview: string;
  status: Exclude<SecretStatus, 'DELETED'>;
  createdAt: Date;
  createdByName: string | null;
  activatedAt: Date | null;
  lastUsedAt: Date | null;
}

/** The organization's secrets, newest first; deleted ones are not listed. */
export async function listSecrets({ organizationId }: { organizationId: string }): Promise<SecretListItem[]> {
  const rows = await prisma.secret.findMany({
    where: { oauthClient: { organizationId }, status: { not: 'DELETED' } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: {
      id: true,
      preview: true,
      status: true,
      createdAt: true,
      activatedAt: true,
      lastUsedAt: true,
      createdBy: { select: { name: true } },
    },
  });
  return rows.map(({ createdBy, status, ...row }) => ({
    ...row,
    status: status as SecretListItem['status'],
    createdByName: createdBy?.name ?? null,
  }));
}

/**
 * Creates a disabled secret for the actor's organization. The plaintext is in
 * the return value and nowhere else: only its hash and preview are stored.
 */
export async function createSecret({
  actor,
}: {
  actor: Actor;
}): Promise<CommandResult<{ secret: SecretListItem; plaintext: string }>> {
  if (!canManageSecrets(actor)) return forbidden();
  const client = await prisma.oAuthClient.findUnique({
    where: { organizationId: actor.membership.organizationId },
    select: { id: true },
  });
  if (!client) return notFound('Your organization has no OAuth client. Contact support.');

  const plaintext = generateSecret();
  const row = await prisma.secret.create({
    data: {
      oauthClientId: client.id,
      secretHash: hashSecret(plaintext),
      preview: previewSecret(plaintext),
      createdById: actor.userId,
    },
    select: { id: true, preview: true, createdAt: true, activatedAt: true, lastUsedAt: true },
  });
  return {
    ok: true,
    plaintext,
    secret: { ...row, status: 'DISABLED', createdByName: actor.name },
  };
}

type Transition = {
  from: SecretStatus;
  to: SecretStatus;
  stamp: 'activatedAt' | 'deactivatedAt' | 'deletedAt';
  /** Why the change cannot happen from each other status. */
  refusals: Partial<Record<SecretStatus, string>>;
};

const TRANSITIONS = {
  activate: {
    from: 'DISABLED',
    to: 'ACTIVE',
    stamp: 'activatedAt',
    refusals: { ACTIVE: 'This secret is already active.' },
  },
  deactivate: {
    from: 'ACTIVE',
    to: 'DISABLED',
    stamp: 'deactivatedAt',
    refusals: { DISABLED: 'This secret is already disabled.' },
  },
  delete: {
    from: 'DISABLED',
    to: 'DELETED',
    stamp: 'deletedAt',
    refusals: { ACTIVE: 'Deactivate this secret before deleting it.' },
  },
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
}: {
  actor: Actor;
  secretId: string;
  transition: SecretTransition;
}): Promise<CommandResult<{ secretId: string; status: SecretStatus }>> {
  if (!canManageSecrets(actor)) return forbidden();
  const rule: Transition = TRANSITIONS[transition];
  const owned = { id: secretId, oauthClient: { organizationId: actor.membership.organizationId } };

  const current = await prisma.secret.findFirst({ where: owned, select: { status: true, secretHash: true } });
  if (!current || current.status === 'DELETED') return notFound();

  const { count } = await secretVerifier.change(
    current.secretHash,
    () => prisma.secret.updateMany({ where: { ...owned, status: rule.from }, data: { status: rule.to, [rule.stamp]: new Date() } }),
    (result) => result.count === 1,
  );
  if (count === 1) return { ok: true, secretId, status: rule.to };
  const now = await prisma.secret.findFirst({ where: owned, select: { status: true } });
  if (!now || now.status === 'DELETED') return notFound();
  return conflict(rule.refusals[now.status] ?? 'This secret changed meanwhile. Reload the page.');
}

export const activateSecret = (input: { actor: Actor; secretId: string }) =>
  changeSecretStatus({ ...input, transition: 'activate' });
export const deactivateSecret = (input: { actor: Actor; secretId: string }) =>
  changeSecretStatus({ ...input, transition: 'deactivate' });
export const deleteSecret = (input: { actor: Actor; secretId: string }) =>
  changeSecretStatus({ ...input, transition: 'delete' });
