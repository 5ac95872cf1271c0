import { env } from '@/lib/env';
import { canManageCredentials, type Actor } from '@/lib/identity/actor';
import { previewJwksUrl, previewPublicKey } from '@/lib/credentials/credential-preview';
import { parsePublicKey, thumbprintOf } from '@/lib/credentials/public-key';
import { checkRemoteUrl } from '@/lib/credentials/remote-url';
import { forbidden, invalidInput } from '@/lib/result';
import type { RequestContext } from '@/lib/data/audit';
import type { CredentialListItem } from '@/lib/data/credential-queries';
import { insertCredential, parseCredentialScopes, type CreateResult } from '@/lib/data/credential-slots';

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
