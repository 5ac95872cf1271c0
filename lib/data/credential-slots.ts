import { createHash, randomBytes } from 'node:crypto';
import { CREDENTIAL_SCOPES, credentialScopesSchema, maxSecretsPerClient } from '@/lib/credentials/rules';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import { credentialNameSchema, type CredentialScope } from '@/lib/credentials/rules';
import { prisma } from '@/lib/db';
import { conflict, invalidInput, notFound, type Result } from '@/lib/result';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { CredentialKind } from '@/lib/generated/prisma/enums';
import type { MemberActor } from '@/lib/identity/actor';
import { recordCredentialEvent, type RequestContext } from '@/lib/data/audit';
import { insertCredentialRow } from '@/lib/data/credential-change';
import { CREATED_SELECT, createdView, limitMessage, type CredentialListItem } from '@/lib/data/credential-queries';

/**
 * What every command that adds a credential does: check the scopes asked for, then in its transaction lock
 * the client, count against the kind's limit, pick a free default name.
 */

type Tx = Prisma.TransactionClient;

/** Locks the client row so that concurrent creates count and name credentials one after another. */
export async function lockClient(tx: Tx, organizationId: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM oauth_clients WHERE organization_id = ${organizationId}::uuid FOR UPDATE`;
  return rows[0]?.id ?? null;
}

/** The scopes a new credential may request: those asked for, or every scope when none are. */
export function parseCredentialScopes(scopes: readonly string[] | undefined) {
  const parsed = credentialScopesSchema.safeParse(scopes ?? CREDENTIAL_SCOPES);
  return parsed.success
    ? { ok: true as const, scopes: parsed.data }
    : invalidInput(parsed.error.issues[0]!.message, 'scopes');
}

/**
 * Locks the organization's client and counts its credentials of the kind (deleted ones not counted): the
 * client's id and a picker of a free default name when one more may be added, else the refusal. One read of
 * the client's credentials serves both the count and the names.
 */
export async function claimSlot(tx: Tx, organizationId: string, kind: CredentialKind) {
  const oauthClientId = await lockClient(tx, organizationId);
  if (!oauthClientId) return notFound('Your organization has no OAuth client. Contact support.');
  const rows = await tx.credential.findMany({
    where: { oauthClientId },
    select: { name: true, kind: true, status: true },
  });
  const count = rows.filter((row) => row.kind === kind && row.status !== 'DELETED').length;
  if (count >= maxSecretsPerClient()) return conflict(limitMessage(kind));
  return { ok: true as const, oauthClientId, defaultName: (base?: string) => freeName(rows, kind, base) };
}

/** Names are unique within the client across kinds: the refusal names the field, whatever kind is named. */
export function nameTaken(name: string) {
  return {
    ...conflict(`Another credential of this account is already named “${name}”. Choose another name.`),
    field: 'name' as const,
  };
}

/**
 * "Secret N", "Public key N", "Workload N": the first N, from the count of the kind's credentials on, whose
 * name is free among `rows` (names are unique within the client across kinds, deleted ones included). With
 * `base`, the name of a rolled secret's replacement: "Production (rolled)".
 */
function freeName(rows: { name: string; kind: CredentialKind }[], kind: CredentialKind, base?: string): string {
  const taken = new Set(rows.map((row) => row.name));
  if (base) {
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? `${base} (rolled)` : `${base} (rolled ${n})`;
      if (candidate.length <= 64 && !taken.has(candidate)) return candidate;
      if (candidate.length > 64) return freeName(rows, kind);
    }
  }
  const prefix = KIND_WORDS[kind].defaultName;
  for (let n = rows.filter((row) => row.kind === kind).length + 1; ; n++)
    if (!taken.has(`${prefix} ${n}`)) return `${prefix} ${n}`;
}

/**
 * The cache key of a credential nobody holds a value for (a public key, a workload): the SHA-256 of 32 random
 * bytes, the same shape as a secret's hash, so that the change channel treats every kind alike.
 */
export function unguessableHash(): string {
  return createHash('sha256').update(randomBytes(32)).digest('hex');
}

/**
 * Public keys (private_key_jwt) and trusted workloads (token exchange) are credentials for which nobody holds a
 * value. They share the secrets' table, lifecycle and audit trail; like a secret, each is created disabled,
 * within its kind's limit, and starts working when an admin activates it.
 */

/** A command that also checks what a person typed (refusing it as `invalid_input`, next to its field). */
export type CreateResult<T extends object> = Result<T, 'forbidden' | 'not_found' | 'conflict' | 'invalid_input'>;

/** Where a new credential of a kind differs from the others: its preview and its own fields. */
type KindFields = Pick<Prisma.CredentialUncheckedCreateInput, 'preview' | 'publicJwk' | 'jwksUrl'> &
  Pick<Prisma.CredentialUncheckedCreateInput, 'workloadIssuer' | 'workloadAudience' | 'workloadSubject'>;

/** Adds a disabled credential of a kind under the client lock, with one `created` audit row. */
export async function insertCredential({
  actor,
  kind,
  name,
  scopes,
  fields,
  details,
  duplicate,
  context,
}: {
  actor: MemberActor;
  kind: Exclude<CredentialKind, 'SECRET'>;
  name?: string;
  scopes: CredentialScope[];
  fields: KindFields;
  details: Prisma.InputJsonObject;
  /** Refuses a credential the client already has (checked under the lock). */
  duplicate?: (tx: Tx, oauthClientId: string) => Promise<string | null>;
  context?: RequestContext;
}): Promise<CreateResult<{ credential: CredentialListItem }>> {
  let chosen: string | undefined;
  if (name?.trim()) {
    const parsed = credentialNameSchema.safeParse(name);
    if (!parsed.success) return invalidInput(parsed.error.issues[0]!.message, 'name');
    chosen = parsed.data;
  }
  return prisma.$transaction(async (tx) => {
    const slot = await claimSlot(tx, actor.membership.organizationId, kind);
    if (!slot.ok) return slot;
    const { oauthClientId } = slot;
    const taken = await duplicate?.(tx, oauthClientId);
    if (taken) return conflict(taken);
    if (chosen && (await tx.credential.findFirst({ where: { oauthClientId, name: chosen }, select: { id: true } })))
      return nameTaken(chosen);
    const row = await insertCredentialRow(
      tx,
      {
        oauthClientId,
        kind,
        secretHash: unguessableHash(),
        name: chosen ?? slot.defaultName(),
        status: 'DISABLED',
        scopes,
        createdById: actor.userId,
        ...fields,
      },
      CREATED_SELECT,
    );
    await recordCredentialEvent(tx, {
      credentialId: row.id,
      actor,
      action: 'created',
      details: { kind, scopes, ...details },
      context,
    });
    const view = createdView(row, actor);
    return { ok: true as const, credential: { ...view, status: 'DISABLED' as const } };
  });
}
