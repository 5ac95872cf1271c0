import { randomUUID } from 'node:crypto';
import type { prisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';
import type { AccountEventData, AccountEventType } from '@/lib/events/mail';

type Db = Prisma.TransactionClient | typeof prisma;

// ————— Account security events (emailed to the user themself) —————

/** An outbox id: `msg_` and 32 hex digits, sent as webhook-id and kept as the mail's reference. */
function newEventId(): string {
  return `msg_${randomUUID().replaceAll('-', '')}`;
}

/**
 * Appends an event about a user's own account (a new browser, password, factors, recovery code, sign out
 * everywhere) to the outbox, for the dispatcher to email to that user alone. Call it with the transaction
 * that writes the change's audit row, so that a rolled-back change sends no mail. The organization is read
 * with the user in the same statement (none for support staff); `data` never holds a secret or a code.
 */
export async function recordAccountMailEvent(
  db: Db,
  input: { userId: string; type: AccountEventType; data?: AccountEventData },
): Promise<void> {
  const data = { ...input.data, user_agent: input.data?.user_agent?.slice(0, 512) ?? null };
  await db.$executeRaw`
    INSERT INTO events (id, organization_id, user_id, type, data)
    SELECT ${newEventId()}, m.organization_id, u.id, ${input.type},
           ${JSON.stringify(data)}::jsonb
             || CASE WHEN m.organization_id IS NULL THEN '{}'::jsonb
                     ELSE jsonb_build_object('organization_id', m.organization_id) END
    FROM users u LEFT JOIN memberships m ON m.user_id = u.id
    WHERE u.id = ${input.userId}::uuid`;
}
