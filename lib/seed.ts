import { prisma } from '@/lib/db';
import { hashPassword, verifyPassword } from '@/lib/identity/password';
import { newClientId } from '@/lib/data/oauth-clients';
import { DEMO_ORGANIZATION_ID, DEMO_USERS } from '@/lib/demo-users';

/**
 * Idempotent: creates the demo organization, its OAuth client and the demo
 * users when missing, and resets their password and role when they differ.
 */
export async function seedDemoData({ password }: { password: string }): Promise<void> {
  await prisma.organization.upsert({
    where: { id: DEMO_ORGANIZATION_ID },
    create: { id: DEMO_ORGANIZATION_ID, name: 'Acme Corp', domain: 'acme.test' },
    update: {},
  });
  await prisma.oAuthClient.upsert({
    where: { organizationId: DEMO_ORGANIZATION_ID },
    create: { organizationId: DEMO_ORGANIZATION_ID, clientId: newClientId() },
    update: {},
  });

  for (const demo of DEMO_USERS) {
    const existing = await prisma.user.findUnique({ where: { email: demo.email }, select: { passwordHash: true } });
    const passwordHash =
      existing && (await verifyPassword(existing.passwordHash, password))
        ? existing.passwordHash
        : await hashPassword(password);
    const user = await prisma.user.upsert({
      where: { email: demo.email },
      create: { email: demo.email, name: demo.name, passwordHash, platformRole: demo.platformRole ?? null },
      update: { name: demo.name, passwordHash, platformRole: demo.platformRole ?? null },
      select: { id: true },
    });
    if (demo.role) {
      await prisma.membership.upsert({
        where: { userId_organizationId: { userId: user.id, organizationId: DEMO_ORGANIZATION_ID } },
        create: { userId: user.id, organizationId: DEMO_ORGANIZATION_ID, role: demo.role },
        update: { role: demo.role },
      });
    }
  }
}
