import { prisma } from '@/lib/db';
import { maxSecretsPerClient } from '@/lib/secrets/rules';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { CredentialKind, SecretStatus } from '@/lib/generated/prisma/enums';

export interface SecretListItem {
  id: string;
  kind: CredentialKind;
  name: string;
  preview: string;
  scopes: string[];
  /** PUBLIC_KEY: the JWKS URL keys come from (null for a pasted key). */
  jwksUrl: string | null;
  /** WORKLOAD: the trusted issuer, audience and subject pattern. */
  workloadIssuer: string | null;
  workloadAudience: string | null;
  workloadSubject: string | null;
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

/** A secret with any status, deleted included (its detail page still shows its history). */
export type SecretView = Omit<SecretListItem, 'status'> & { status: SecretStatus };

export const LIST_SELECT = {
  id: true,
  kind: true,
  name: true,
  preview: true,
  scopes: true,
  jwksUrl: true,
  workloadIssuer: true,
  workloadAudience: true,
  workloadSubject: true,
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

export function toSecretView({
  createdBy,
  ...row
}: Prisma.SecretGetPayload<{ select: typeof LIST_SELECT }>): SecretView {
  return { ...row, createdByName: createdBy?.name ?? null };
}

function isListed(secret: SecretView): secret is SecretListItem {
  return secret.status !== 'DELETED';
}

/** The organization's secrets, newest first; deleted ones are not listed. */
export async function listSecrets({ organizationId }: { organizationId: string }): Promise<SecretListItem[]> {
  const rows = await prisma.secret.findMany({
    where: { oauthClient: { organizationId }, status: { not: 'DELETED' } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: LIST_SELECT,
  });
  return rows.map(toSecretView).filter(isListed);
}

/** One secret of the organization (deleted ones included, for their history), or null. */
export async function getSecret({ organizationId, secretId }: { organizationId: string; secretId: string }) {
  const row = await prisma.secret.findFirst({
    where: { id: secretId, oauthClient: { organizationId } },
    select: {
      ...LIST_SELECT,
      lastUsedAddress: true,
      lastUsedUserAgent: true,
      tokensRevokedBefore: true,
      replaces: { select: { id: true, name: true } },
    },
  });
  if (!row) return null;
  const { lastUsedAddress, lastUsedUserAgent, tokensRevokedBefore, replaces, ...rest } = row;
  const secret = toSecretView(rest);
  const extras = { lastUsedAddress, lastUsedUserAgent, tokensRevokedBefore, replaces };
  return isListed(secret)
    ? { ...secret, ...extras, deleted: false as const }
    : { ...secret, ...extras, deleted: true as const };
}

export function limitMessage() {
  const max = maxSecretsPerClient();
  return `Your account already has ${max} secrets, the most allowed. Delete a secret you no longer use to add another.`;
}

/** Counts how many secrets the organization has, and whether it may add one. */
export async function secretAllowance({ organizationId }: { organizationId: string }) {
  const count = await prisma.secret.count({ where: { oauthClient: { organizationId }, status: { not: 'DELETED' } } });
  return { count, max: maxSecretsPerClient(), canAdd: count < maxSecretsPerClient() };
}
