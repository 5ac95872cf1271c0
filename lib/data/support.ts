import { prisma } from '@/lib/db';
import type { Actor } from '@/lib/identity/actor';
import { forbidden, invalidInput, notFound, type CommandResult, type Failure } from '@/lib/result';
import { recordOrganizationEvent, type RequestContext } from '@/lib/data/audit';
import { listCredentials } from '@/lib/data/credential-queries';
import { listOrganizationInvitations, listOrganizationMembers } from '@/lib/data/members';
import { applyCredentialChange } from '@/lib/data/credential-change';
import { findRequestAnywhere, topUnknownClientAddresses } from '@/lib/data/request-log';

/** Support staff are a platform role: they belong to no organization and look after all of them. */
export function isSupport(actor: Actor | null): actor is Actor {
  return actor?.platformRole === 'SUPPORT';
}

const DENIED = 'Only platform support staff can use the support console.';

/** Organizations whose name or domain contains the query, or whose Client ID starts with it. */
export async function searchOrganizations({ actor, query }: { actor: Actor; query: string }) {
  if (!isSupport(actor)) return forbidden(DENIED);
  const q = query.trim().slice(0, 100);
  const organizations = await prisma.organization.findMany({
    where: q
      ? {
          OR: [
            { name: { contains: q, mode: 'insensitive' } },
            { domain: { contains: q, mode: 'insensitive' } },
            { oauthClient: { clientId: { startsWith: q.toLowerCase() } } },
          ],
        }
      : {},
    orderBy: { name: 'asc' },
    take: 50,
    select: { id: true, name: true, domain: true, createdAt: true, oauthClient: { select: { clientId: true } } },
  });
  return { ok: true as const, organizations };
}

/**
 * A customer's credentials, members and open invitations, read-only, for support staff; every view is
 * audited and visible to the customer.
 */
export async function viewOrganizationCredentials({
  actor,
  organizationId,
  context,
}: {
  actor: Actor;
  organizationId: string;
  context?: RequestContext;
}) {
  if (!isSupport(actor)) return forbidden(DENIED);
  const organization = await prisma.organization.findUnique({
    where: { id: organizationId },
    select: { id: true, name: true, domain: true, oauthClient: { select: { clientId: true } } },
  });
  if (!organization) return notFound('No such organization.');
  await recordOrganizationEvent(prisma, { organizationId, actor, action: 'support_viewed', context });
  const [secrets, members, invitations] = await Promise.all([
    listCredentials({ organizationId }),
    listOrganizationMembers({ organizationId }),
    listOrganizationInvitations({ organizationId }),
  ]);
  return { ok: true as const, organization, secrets, members, invitations };
}

/**
 * A customer's request log, for support staff: the organization, once the view is recorded in its audit trail
 * (with the Request ID looked for, if any), so that the customer sees who looked at their requests.
 */
export async function viewOrganizationRequestLog({
  actor,
  organizationId,
  requestId,
  context,
}: {
  actor: Actor;
  organizationId: string;
  requestId?: string;
  context?: RequestContext;
}) {
  if (!isSupport(actor)) return forbidden(DENIED);
  const organization = await prisma.organization.findUnique({
    where: { id: organizationId },
    select: { id: true, name: true, domain: true, oauthClient: { select: { clientId: true } } },
  });
  if (!organization) return notFound('No such organization.');
  await recordOrganizationEvent(prisma, {
    organizationId,
    actor,
    action: 'support_viewed_requests',
    ...(requestId ? { details: { requestId } } : {}),
    context,
  });
  return { ok: true as const, organization };
}

/**
 * Where a request a customer quotes (the Request-Id their SDK logged) belongs: its organization and
 * credential. Nothing is shown of it here; opening it (viewOrganizationRequestLog) is what is recorded.
 */
export async function findRequestForSupport({ actor, requestId }: { actor: Actor; requestId: string }) {
  if (!isSupport(actor)) return forbidden(DENIED);
  const found = await findRequestAnywhere({ requestId });
  return found ? { ok: true as const, request: found } : notFound('No request with this ID.');
}

/** Support's one write: deactivating a customer's active secret in an emergency, with a written reason. */
export async function emergencyDeactivate({
  actor,
  organizationId,
  credentialId,
  reason,
  context,
}: {
  actor: Actor;
  organizationId: string;
  credentialId: string;
  reason: string;
  context?: RequestContext;
}): Promise<CommandResult | Failure<'invalid_input'>> {
  if (!isSupport(actor)) return forbidden(DENIED);
  const text = reason.trim();
  if (text.length < 10)
    return invalidInput('Write a reason of at least 10 characters: the customer will read it.', 'reason');
  const result = await applyCredentialChange({
    credentialId,
    scope: { oauthClient: { organizationId } },
    action: 'deactivate',
    data: { status: 'DISABLED', deactivatedAt: new Date(), deactivateAt: null },
    event: { actor, action: 'deactivated', reason: text.slice(0, 1000), details: { emergency: true }, context },
  });
  return result.ok ? { ok: true } : result;
}

/**
 * The platform's own log: account events of support staff (sign-ins, factors, sessions), which belong to
 * no organization. Newest first.
 */
export async function listPlatformEvents({ actor, limit = 200 }: { actor: Actor; limit?: number }) {
  if (!isSupport(actor)) return forbidden(DENIED);
  const events = await prisma.auditEvent.findMany({
    where: { organizationId: null },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: Math.min(Math.max(limit, 1), 500),
    select: {
      id: true,
      createdAt: true,
      actorName: true,
      actorRole: true,
      action: true,
      details: true,
      reason: true,
      address: true,
      userAgent: true,
    },
  });
  return { ok: true as const, events };
}

/** The addresses that asked most for Client IDs no organization has since `since`: scanners and misconfigured apps. */
export async function listUnknownClientAddresses({ actor, since }: { actor: Actor; since: Date }) {
  if (!isSupport(actor)) return forbidden(DENIED);
  return { ok: true as const, addresses: await topUnknownClientAddresses({ since, take: 10 }) };
}
