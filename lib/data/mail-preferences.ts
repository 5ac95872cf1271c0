import { prisma } from '@/lib/db';
import type { Actor } from '@/lib/identity/actor';
import { MAIL_CATEGORIES, isMailCategory } from '@/lib/events/mail';
import { fail, type Result } from '@/lib/result';

const ADMINS_ONLY = 'Only admins get these emails.';

/**
 * The mail categories ("Email me about …") an admin gets from the organization they are working in: every
 * category but those they switched off there. Null for anyone who gets none (a viewer, support staff).
 */
export async function emailPreferences({ actor }: { actor: Actor }): Promise<Record<string, boolean> | null> {
  if (!actor.membership) return null;
  const membership = await prisma.membership.findFirst({
    where: { userId: actor.userId, organizationId: actor.membership.organizationId, role: 'ADMIN' },
    select: { emailOptOuts: true },
  });
  if (!membership) return null;
  return Object.fromEntries(MAIL_CATEGORIES.map((category) => [category, !membership.emailOptOuts.includes(category)]));
}

/**
 * Switches one category on or off for the actor alone. Only admins are emailed these events, so only an
 * admin's own membership can change; the array is changed in one statement, so two quick clicks on two
 * boxes both stick.
 */
export async function setEmailPreference({
  actor,
  category,
  enabled,
}: {
  actor: Actor;
  category: string;
  enabled: boolean;
}): Promise<Result<{ enabled: boolean }, 'forbidden' | 'invalid_input'>> {
  if (!isMailCategory(category)) return fail('invalid_input', 'Choose one of the listed emails.');
  // The admin's membership in the organization they are working in: each organization's mails are chosen there.
  const organizationId = actor.membership?.organizationId;
  if (!organizationId) return fail('forbidden', ADMINS_ONLY);
  const changed = enabled
    ? await prisma.$executeRaw`
        UPDATE memberships SET email_opt_outs = array_remove(email_opt_outs, ${category})
        WHERE user_id = ${actor.userId}::uuid AND organization_id = ${organizationId}::uuid AND role = 'ADMIN'`
    : await prisma.$executeRaw`
        UPDATE memberships SET email_opt_outs = array_append(array_remove(email_opt_outs, ${category}), ${category})
        WHERE user_id = ${actor.userId}::uuid AND organization_id = ${organizationId}::uuid AND role = 'ADMIN'`;
  return changed === 1 ? { ok: true, enabled } : fail('forbidden', ADMINS_ONLY);
}
