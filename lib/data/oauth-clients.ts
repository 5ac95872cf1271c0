import { randomBytes } from 'node:crypto';
import { prisma } from '@/lib/db';

/** The organization's public OAuth client, created with the organization. */
export async function getOAuthClient({ organizationId }: { organizationId: string }) {
  return prisma.oAuthClient.findUnique({
    where: { organizationId },
    select: { id: true, clientId: true },
  });
}

/** Client IDs are public identifiers: random, but not secret. */
export function newClientId(): string {
  return randomBytes(12).toString('hex');
}
