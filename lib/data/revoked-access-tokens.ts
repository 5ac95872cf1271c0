import { prisma } from '@/lib/db';
import { revocationKey, credentialChanges } from '@/lib/db/credential-changes';
import { recordCredentialEvent, type RequestContext } from '@/lib/data/audit';

/**
 * Revokes one access token (RFC 7009) and returns once every live instance has learned it: the row's
 * INSERT trigger NOTIFYs "revoked:<jti>" and credentialChanges waits for each instance's acknowledgement.
 * Idempotent. Revoking it again re-sends the notification so that this answer, too, comes only after every
 * instance knows (an instance that missed the first one learns it now). The first revocation is recorded on
 * the audit trail of the credential the token was issued to. True when this call revoked it.
 */
export async function revokeAccessToken(input: {
  jti: string;
  clientId: string;
  /** The credential the token was issued to (its secret_id claim): the audit event goes to it. */
  credentialId: string;
  /** The token's own expiry: the row is needed until then, no longer. */
  expiresAt: Date;
  /** The credential the revocation request authenticated with. */
  revokedWith: string;
  context: RequestContext;
}): Promise<boolean> {
  return credentialChanges.change(
    revocationKey(input.jti),
    () =>
      prisma.$transaction(async (tx) => {
        const inserted = await tx.$executeRaw`
          INSERT INTO revoked_access_tokens (jti, client_id, expires_at)
          VALUES (${input.jti}, ${input.clientId}, ${input.expiresAt})
          ON CONFLICT (jti) DO NOTHING`;
        if (inserted === 0) {
          await tx.$executeRaw`SELECT pg_notify('secret_changed', ${revocationKey(input.jti)})`;
          return false;
        }
        await recordCredentialEvent(tx, {
          credentialId: input.credentialId,
          actor: 'token-endpoint',
          action: 'access_token_revoked',
          details: { jti: input.jti, revokedWith: input.revokedWith },
          context: input.context,
        });
        return true;
      }),
    // Either way a notification went out: wait for every instance's acknowledgement.
    () => true,
  );
}

/**
 * The revoked access tokens that have not expired yet, at most `limit` of them (a caller that gets `limit`
 * rows cannot know whether there are more, and must not take the list for complete).
 */
export async function listRevokedAccessTokens({ limit }: { limit: number }) {
  return prisma.revokedAccessToken.findMany({
    where: { expiresAt: { gt: new Date() } },
    select: { jti: true, expiresAt: true },
    take: limit,
  });
}

/** Whether the access token with this jti was revoked on its own (RFC 7009). */
export async function isAccessTokenRevoked({ jti }: { jti: string }): Promise<boolean> {
  const row = await prisma.revokedAccessToken.findUnique({ where: { jti }, select: { jti: true } });
  return row !== null;
}

/** Deletes the rows of tokens that have expired: an expired token is refused by its `exp` alone. */
export async function pruneRevokedAccessTokens(now = new Date()): Promise<number> {
  const { count } = await prisma.revokedAccessToken.deleteMany({ where: { expiresAt: { lte: now } } });
  return count;
}
