import type { Prisma } from '@/lib/generated/prisma/client';
import { portalUrl } from '@/lib/env';
import { open } from '@/lib/crypto/sealed';
import { INVITATION_SENT, type InvitationSentData, isMailCategory } from '@/lib/events/mail';
import { composeMail } from '@/lib/mail/compose';
import type { DispatchedEvent } from '@/lib/data/events';

/** One mail to one person: a job of the 'email' queue. `eventId` names the event it tells about. */
export interface Mail {
  to: string;
  subject: string;
  text: string;
  html: string;
  eventId: string;
}

interface Recipient {
  email: string;
  name: string;
}

/**
 * The mails a batch of events makes, read in the dispatcher's transaction. An event about a user's own
 * account goes to that user; a credential event that needs a person (and an endpoint disabled for failing)
 * goes to every admin of the organization who has not switched its category off; samples (`test`) and
 * every other type go to nobody. A type without words in lib/mail/compose.ts makes no mail.
 */
export async function mailsForEvents(tx: Prisma.TransactionClient, events: DispatchedEvent[]): Promise<Mail[]> {
  const live = events.filter((event) => !event.test);
  const userIds = [...new Set(live.flatMap((event) => (event.userId ? [event.userId] : [])))];
  const organizationIds = [
    ...new Set(
      live.flatMap((event) =>
        !event.userId && event.organizationId && isMailCategory(event.type) ? [event.organizationId] : [],
      ),
    ),
  ];
  const [users, admins] = await Promise.all([
    userIds.length
      ? tx.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } })
      : [],
    organizationIds.length
      ? tx.membership.findMany({
          where: { organizationId: { in: organizationIds }, role: 'ADMIN' },
          select: { organizationId: true, emailOptOuts: true, user: { select: { email: true, name: true } } },
          orderBy: { user: { email: 'asc' } },
        })
      : [],
  ]);
  const userById = new Map(users.map((user) => [user.id, user]));

  const recipientsOf = (event: DispatchedEvent): Recipient[] => {
    if (event.type === INVITATION_SENT) {
      const email = (event.data as Partial<InvitationSentData> | null)?.email;
      return email ? [{ email, name: '' }] : [];
    }
    if (event.userId) {
      const user = userById.get(event.userId);
      return user ? [user] : [];
    }
    if (!event.organizationId || !isMailCategory(event.type)) return [];
    return admins
      .filter((admin) => admin.organizationId === event.organizationId && !admin.emailOptOuts.includes(event.type))
      .map((admin) => admin.user);
  };

  const portal = portalUrl();
  const mails: Mail[] = [];
  for (const event of live) {
    for (const recipient of recipientsOf(event)) {
      const composed = composeMail(withOpenedToken(event), { portal, name: recipient.name || null });
      if (composed) mails.push({ to: recipient.email, ...composed, eventId: event.id });
    }
  }
  return mails;
}

/**
 * An invitation's event with its token opened, in memory only, for the mail's link; any other event as it is.
 * A token that does not open (altered, or sealed under another key) leaves the event without one: no mail.
 */
function withOpenedToken(event: DispatchedEvent): DispatchedEvent {
  if (event.type !== INVITATION_SENT) return event;
  const data = (event.data ?? {}) as Partial<InvitationSentData>;
  try {
    const token = open(`invitation:${data.invitation_id}`, String(data.token_sealed)).toString();
    return { ...event, data: { ...data, token } };
  } catch {
    return event;
  }
}
