import { prisma } from '@/lib/db';
import { maxSecretsPerClient } from '@/lib/credentials/rules';
import { KIND_WORDS, deleteToAddAnother } from '@/lib/credentials/credential-kinds';
import { modulusBits } from '@/lib/credentials/public-key';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { CredentialKind, CredentialStatus } from '@/lib/generated/prisma/enums';

export interface CredentialListItem {
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
  status: Exclude<CredentialStatus, 'DELETED'>;
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
export type CredentialView = Omit<CredentialListItem, 'status'> & { status: CredentialStatus };

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
} satisfies Prisma.CredentialSelect;

export function toCredentialView({
  createdBy,
  ...row
}: Prisma.CredentialGetPayload<{ select: typeof LIST_SELECT }>): CredentialView {
  return { ...row, createdByName: createdBy?.name ?? null };
}

/**
 * What a command that inserts a credential reads back: the list item's columns without its creator, whom the
 * command knows (the actor). Without the relation, the insert returns its row itself, where reading the
 * creator too took two more round trips inside the command's transaction.
 */
const { createdBy: _createdBy, ...CREATED_SELECT } = LIST_SELECT;
export { CREATED_SELECT };

export function createdView(
  row: Prisma.CredentialGetPayload<{ select: typeof CREATED_SELECT }>,
  creator: { name: string },
): CredentialView {
  return { ...row, createdByName: creator.name };
}

function isListed(secret: CredentialView): secret is CredentialListItem {
  return secret.status !== 'DELETED';
}

/** The organization's secrets, newest first; deleted ones are not listed. */
export async function listCredentials({ organizationId }: { organizationId: string }): Promise<CredentialListItem[]> {
  const rows = await prisma.credential.findMany({
    where: { oauthClient: { organizationId }, status: { not: 'DELETED' } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: LIST_SELECT,
  });
  return rows.map(toCredentialView).filter(isListed);
}

/** What a person may read of a pasted public key: its algorithm, kid and key type (never more than is public). */
function publicKeyFacts(jwk: Prisma.JsonValue | null): { alg: string; kid: string; type: string } | null {
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) return null;
  const { alg, kid, kty, crv, n } = jwk as Record<string, unknown>;
  const type = kty === 'RSA' ? `RSA ${modulusBits(String(n))} bits` : String(crv);
  return { alg: String(alg), kid: String(kid), type };
}

/** One secret of the organization (deleted ones included, for their history), or null. */
export async function getCredential({
  organizationId,
  credentialId,
}: {
  organizationId: string;
  credentialId: string;
}) {
  const row = await prisma.credential.findFirst({
    where: { id: credentialId, oauthClient: { organizationId } },
    select: {
      ...LIST_SELECT,
      lastUsedAddress: true,
      lastUsedUserAgent: true,
      tokensRevokedBefore: true,
      replaces: { select: { id: true, name: true } },
      publicJwk: true,
    },
  });
  if (!row) return null;
  const { lastUsedAddress, lastUsedUserAgent, tokensRevokedBefore, replaces, publicJwk, ...rest } = row;
  const secret = toCredentialView(rest);
  const extras = {
    lastUsedAddress,
    lastUsedUserAgent,
    tokensRevokedBefore,
    replaces,
    publicKey: publicKeyFacts(publicJwk),
  };
  return isListed(secret)
    ? { ...secret, ...extras, deleted: false as const }
    : { ...secret, ...extras, deleted: true as const };
}

/** The refusal of one credential too many of a kind (each kind has its own limit). */
export function limitMessage(kind: CredentialKind = 'SECRET') {
  const max = maxSecretsPerClient();
  return `Your account already has ${max} ${KIND_WORDS[kind].many}, the most allowed. ${deleteToAddAnother(kind)}`;
}

export interface Allowance {
  count: number;
  max: number;
  canAdd: boolean;
}

/** Counts how many credentials of each kind the organization has, and whether it may add one of each. */
export async function credentialAllowances({
  organizationId,
}: {
  organizationId: string;
}): Promise<Record<CredentialKind, Allowance>> {
  const groups = await prisma.credential.groupBy({
    by: ['kind'],
    where: { oauthClient: { organizationId }, status: { not: 'DELETED' } },
    _count: { _all: true },
  });
  const max = maxSecretsPerClient();
  const allowance = (kind: CredentialKind): Allowance => {
    const count = groups.find((group) => group.kind === kind)?._count._all ?? 0;
    return { count, max, canAdd: count < max };
  };
  return { SECRET: allowance('SECRET'), PUBLIC_KEY: allowance('PUBLIC_KEY'), WORKLOAD: allowance('WORKLOAD') };
}

/** The credential's id when the organization owns it; null for another organization's or no credential. */
export async function ownedCredentialId({
  organizationId,
  credentialId,
}: {
  organizationId: string;
  credentialId: string;
}): Promise<string | null> {
  const row = await prisma.credential.findFirst({
    where: { id: credentialId, oauthClient: { organizationId } },
    select: { id: true },
  });
  return row?.id ?? null;
}

/**
 * What the token endpoint's secret verifier caches about the credential with this hash (any kind), with its
 * organization's test clock (null: real time).
 */
export function findCredentialByHash({ secretHash }: { secretHash: string }) {
  return prisma.credential.findUnique({
    where: { secretHash },
    select: {
      id: true,
      status: true,
      expiresAt: true,
      deactivateAt: true,
      allowedCidrs: true,
      scopes: true,
      kind: true,
      isDecoy: true,
      oauthClient: { select: { clientId: true, organization: { select: { id: true, testClockAt: true } } } },
    },
  });
}

/** The instant before which the credential's access tokens are refused (null: none); null for no credential. */
export function getTokensRevokedBefore({ credentialId }: { credentialId: string }) {
  return prisma.credential.findUnique({ where: { id: credentialId }, select: { tokensRevokedBefore: true } });
}

/**
 * A client's active public keys and trusted workloads, oldest first, with its organization's test clock (null:
 * real time); null for an unknown Client ID.
 */
export function findClientKeyCredentials({ clientId }: { clientId: string }) {
  return prisma.oAuthClient.findUnique({
    where: { clientId },
    select: {
      id: true,
      organization: { select: { id: true, testClockAt: true } },
      credentials: {
        where: { status: 'ACTIVE', kind: { in: ['PUBLIC_KEY', 'WORKLOAD'] } },
        orderBy: { createdAt: 'asc' },
        select: {
          id: true,
          kind: true,
          expiresAt: true,
          allowedCidrs: true,
          scopes: true,
          publicJwk: true,
          jwksUrl: true,
          workloadIssuer: true,
          workloadAudience: true,
          workloadSubject: true,
        },
      },
    },
  });
}
