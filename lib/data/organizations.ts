import { prisma } from '@/lib/db';
import { newClientId } from '@/lib/data/credentials';
import { hashPassword } from '@/lib/auth/password';
import type { Role } from '@/lib/generated/prisma/enums';
import { normalizeEmail } from '@/lib/data/users';

/** Creates a customer organization together with its OAuth client. */
export async function createOrganization({ name, domain, id }: { name: string; domain?: string; id?: string }) {
  return prisma.organization.create({
    data: { id, name, domain, oauthClient: { create: { clientId: newClientId() } } },
    select: { id: true, name: true, oauthClient: { select: { id: true, clientId: true } } },
  });
}

/** Creates a user who is a member of the organization with the given role. */
export async function createMember({
  organizationId,
  email,
  name,
  password,
  role,
}: {
  organizationId: string;
  email: string;
  name: string;
  password: string;
  role: Role;
}) {
  return prisma.user.create({
    data: {
      email: normalizeEmail(email),
      name,
      passwordHash: await hashPassword(password),
      membership: { create: { organizationId, role } },
    },
    select: { id: true, email: true, name: true },
  });
}
