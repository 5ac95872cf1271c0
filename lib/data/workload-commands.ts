import { env } from '@/lib/env';
import { canManageCredentials, type Actor } from '@/lib/identity/actor';
import { previewWorkload } from '@/lib/credentials/credential-preview';
import { checkWorkload } from '@/lib/credentials/workload';
import { forbidden, invalidInput } from '@/lib/result';
import type { RequestContext } from '@/lib/data/audit';
import type { CredentialListItem } from '@/lib/data/credential-queries';
import { insertCredential, parseCredentialScopes, type CreateResult } from '@/lib/data/credential-slots';

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
