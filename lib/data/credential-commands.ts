import { prisma } from '@/lib/db';
import { env } from '@/lib/env';
import { canManageCredentials, type Actor, type MemberActor } from '@/lib/identity/actor';
import { previewJwksUrl, previewPublicKey, previewWorkload } from '@/lib/credentials/credential-preview';
import { parsePublicKey, thumbprintOf } from '@/lib/credentials/public-key';
import { checkRemoteUrl } from '@/lib/credentials/remote-url';
import { credentialNameSchema, type CredentialScope } from '@/lib/credentials/rules';
import { checkWorkload } from '@/lib/credentials/workload';
import { conflict, forbidden, invalidInput, notFound, type CommandResult } from '@/lib/result';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { CredentialKind } from '@/lib/generated/prisma/enums';
import { recordCredentialEvent, type RequestContext } from '@/lib/data/audit';
import { applyCredentialChange, scopeOf } from '@/lib/data/credential-change';
import { CREATED_SELECT, createdView, type CredentialListItem } from '@/lib/data/credential-queries';
import { claimSlot, nameTaken, parseCredentialScopes, unguessableHash } from '@/lib/data/credential-slots';
import { type CreateResult } from '@/lib/data/credential-slots';

/**
 * Public keys (private_key_jwt) and trusted workloads (token exchange): credentials for which nobody holds a
 * value. They share the secrets' table, lifecycle and audit trail; like a secret, each is created disabled,
 * within its kind's limit, and starts working when an admin activates it.
 */

type Tx = Prisma.TransactionClient;

/** Where a new credential of a kind differs from the others: its preview and its own fields. */
type KindFields = Pick<Prisma.CredentialUncheckedCreateInput, 'preview' | 'publicJwk' | 'jwksUrl'> &
  Pick<Prisma.CredentialUncheckedCreateInput, 'workloadIssuer' | 'workloadAudience' | 'workloadSubject'>;

/** Adds a disabled credential of a kind under the client lock, with one `created` audit row. */
async function insertCredential({
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
    const row = await tx.credential.create({
      data: {
        oauthClientId,
        kind,
        secretHash: unguessableHash(),
        name: chosen ?? slot.defaultName(),
        status: 'DISABLED',
        scopes,
        createdById: actor.userId,
        ...fields,
      },
      select: CREATED_SELECT,
    });
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

/**
 * Adds a public key for private_key_jwt: either a pasted key (JWK, JWKS with one key, or PEM; stored as a
 * public JWK with alg and kid) or the URL of a JWKS the token endpoint fetches, never both. A key or URL the
 * client already has (not deleted) is refused.
 */
export async function createPublicKey({
  actor,
  name,
  key,
  jwksUrl,
  scopes: requested,
  context,
}: {
  actor: Actor;
  name?: string;
  key?: string;
  jwksUrl?: string;
  scopes?: readonly string[];
  context?: RequestContext;
}): Promise<CreateResult<{ credential: CredentialListItem }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const scopes = parseCredentialScopes(requested);
  if (!scopes.ok) return scopes;
  const pasted = key?.trim() ?? '';
  const url = jwksUrl?.trim() ?? '';
  if (pasted && url) return invalidInput('Paste a key or give a JWKS URL, not both.', 'key');
  if (!pasted && !url) return invalidInput('Paste a public key (JWK or PEM), or give a JWKS URL.', 'key');

  if (url) {
    const checked = checkRemoteUrl(url, { allowLoopbackHttp: env.OAUTH_ALLOW_LOOPBACK_HTTP });
    if (!checked.ok) return invalidInput(checked.message, 'jwksUrl');
    if (url.length > 2048) return invalidInput('Use a URL of at most 2048 characters.', 'jwksUrl');
    return insertCredential({
      actor,
      kind: 'PUBLIC_KEY',
      name,
      scopes: scopes.scopes,
      fields: { jwksUrl: url, preview: previewJwksUrl(url) },
      details: { jwksUrl: url },
      duplicate: async (tx, oauthClientId) => {
        const same = await tx.credential.findFirst({
          where: { oauthClientId, kind: 'PUBLIC_KEY', jwksUrl: url, status: { not: 'DELETED' } },
          select: { name: true },
        });
        return same ? `This JWKS URL is already added as “${same.name}”.` : null;
      },
      context,
    });
  }

  const parsed = await parsePublicKey(pasted);
  if (!parsed.ok) return invalidInput(parsed.message, 'key');
  const { jwk, thumbprint } = parsed.key;
  return insertCredential({
    actor,
    kind: 'PUBLIC_KEY',
    name,
    scopes: scopes.scopes,
    fields: { publicJwk: jwk, preview: previewPublicKey(jwk) },
    details: { alg: jwk.alg, kid: jwk.kid, thumbprint },
    duplicate: async (tx, oauthClientId) => {
      const live = await tx.credential.findMany({
        where: { oauthClientId, kind: 'PUBLIC_KEY', jwksUrl: null, status: { not: 'DELETED' } },
        select: { name: true, publicJwk: true },
      });
      for (const other of live) {
        if ((await thumbprintOf(other.publicJwk)) === thumbprint)
          return `This key is already added as “${other.name}”.`;
      }
      // An assertion names its key by kid: two live keys with one kid would leave the endpoint guessing.
      const sameKid = live.find((other) => (other.publicJwk as { kid?: unknown } | null)?.kid === jwk.kid);
      if (sameKid)
        return `The key “${sameKid.name}” already uses the kid “${jwk.kid}”. Give this key another kid, or leave the kid out.`;
      return null;
    },
    context,
  });
}

/**
 * Trusts a workload of an external OIDC issuer (GitHub Actions, a Kubernetes cluster, a cloud): a token the
 * issuer signed, for this audience, whose subject matches the pattern, is exchanged for an access token.
 */
export async function createTrustedWorkload({
  actor,
  name,
  issuer,
  audience,
  subject,
  scopes: requested,
  context,
}: {
  actor: Actor;
  name?: string;
  issuer: string;
  audience: string;
  subject: string;
  scopes?: readonly string[];
  context?: RequestContext;
}): Promise<CreateResult<{ credential: CredentialListItem }>> {
  if (!canManageCredentials(actor)) return forbidden();
  const scopes = parseCredentialScopes(requested);
  if (!scopes.ok) return scopes;
  const checked = checkWorkload({ issuer, audience, subject }, { allowLoopbackHttp: env.OAUTH_ALLOW_LOOPBACK_HTTP });
  if (!checked.ok) {
    const [first] = Object.values(checked.fieldErrors);
    return { ...invalidInput(first!), fieldErrors: checked.fieldErrors };
  }
  const { workload } = checked;
  return insertCredential({
    actor,
    kind: 'WORKLOAD',
    name,
    scopes: scopes.scopes,
    fields: {
      workloadIssuer: workload.issuer,
      workloadAudience: workload.audience,
      workloadSubject: workload.subject,
      preview: previewWorkload(workload.subject),
    },
    details: { ...workload },
    duplicate: async (tx, oauthClientId) => {
      const same = await tx.credential.findFirst({
        where: {
          oauthClientId,
          kind: 'WORKLOAD',
          workloadIssuer: workload.issuer,
          workloadAudience: workload.audience,
          workloadSubject: workload.subject,
          status: { not: 'DELETED' },
        },
        select: { name: true },
      });
      return same ? `This workload is already trusted as “${same.name}”.` : null;
    },
    context,
  });
}

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
