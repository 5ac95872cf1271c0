import { randomUUID } from 'node:crypto';
import { prisma } from '@/lib/db';
import { createMember, createOrganization } from '@/lib/data/organizations';
import { getActorByUserId } from '@/lib/data/users';
import { activateCredential, deleteCredential } from '@/lib/data/credential-commands';
import { createSecret } from '@/lib/data/secret-commands';
import type { Actor } from '@/lib/identity/actor';
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';

/** An organization with its client and an admin, ready to create secrets through the data layer. */
export async function organizationWithAdmin(name = `Org ${randomUUID().slice(0, 8)}`) {
  const org = await createOrganization({ name });
  const user = await createMember({
    organizationId: org.id,
    email: `admin-${randomUUID()}@example.test`,
    name: `${name} admin`,
    password: 'test-password-123',
    role: 'ADMIN',
  });
  const actor = (await getActorByUserId({ userId: user.id })) as Actor;
  const clientId = org.oauthClient!.clientId;

  async function secret(status: 'ACTIVE' | 'DISABLED' | 'DELETED' = 'ACTIVE') {
    const created = await createSecret({ actor });
    if (!created.ok) throw new Error(created.message);
    const id = created.secret.id;
    if (status === 'ACTIVE') await activateCredential({ actor, credentialId: id });
    if (status === 'DELETED') await deleteCredential({ actor, credentialId: id });
    return { id, value: created.plaintext };
  }

  return { org, actor, clientId, secret };
}

export async function resetRateLimits() {
  await prisma.rateLimit.deleteMany();
}

/** A client-credentials token request for the organization's client, straight to the endpoint's handler. */
export function requestToken(
  org: { clientId: string },
  secret: string,
  { address = '198.51.100.7', userAgent = 'sdk/1' }: { address?: string; userAgent?: string } = {},
) {
  return handleTokenRequest({
    contentType: 'application/x-www-form-urlencoded',
    authorization: null,
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: org.clientId,
      client_secret: secret,
    }).toString(),
    address,
    userAgent,
  });
}
