import { prisma } from '@/lib/db';
import type { Actor } from '@/lib/identity/actor';
import { MAIL_CATEGORIES, isMailCategory } from '@/lib/events/mail';
import { fail, type Result } from '@/lib/result';

const ADMINS_ONLY = 'Only admins get these emails.';

/**
 * The mail categories ("Email me about …") an admin gets: every category but those they switched off.
 * Null for anyone who gets none (a viewer, support staff).
 */
export async function emailPreferences({ actor }: { actor: Actor }): Promise<Record<string, boolean> | null> {
  const membership = await prisma.membership.findFirst({
    where: { userId: actor.userId, role: 'ADMIN' },
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
  const changed = enabled
    ? await prisma.$executeRaw`
        UPDATE memberships SET email_opt_outs = array_remove(email_opt_outs, ${category})
        WHERE user_id = ${actor.userId}::uuid AND role = 'ADMIN'`
    : await prisma.$executeRaw`
        UPDATE memberships SET email_opt_outs = array_append(array_remove(email_opt_outs, ${category}), ${category})
        WHERE user_id = ${actor.userId}::uuid AND role = 'ADMIN'`;
  return changed === 1 ? { ok: true, enabled } : fail('forbidden', ADMINS_ONLY);
}
