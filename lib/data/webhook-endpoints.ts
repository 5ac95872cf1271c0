import { randomUUID } from 'node:crypto';
import { prisma } from '@/lib/db';
import { env } from '@/lib/env';
import { open, seal } from '@/lib/crypto/sealed';
import { checkRemoteUrl, isLoopbackHost } from '@/lib/credentials/remote-url';
import { EVENT_TYPES, isEventType, type EventType } from '@/lib/events/catalogue';
import { MAX_WEBHOOK_ENDPOINTS, PREVIOUS_SECRET_SIGNS_MS } from '@/lib/events/delivery-schedule';
import { newSigningSecret } from '@/lib/events/signing';
import { canManageCredentials, type Actor } from '@/lib/identity/actor';
import { conflict, forbidden, invalidInput, notFound, type CommandResult, type Result } from '@/lib/result';
import type { Prisma } from '@/lib/generated/prisma/client';
import { recordOrganizationEvent, type RequestContext } from '@/lib/data/audit';

/**
 * The one home of `webhook_endpoints`: where an organization's admins say which URLs get its events. Every
 * change is scoped to the actor's organization ("not yours" is "not found"), is an admin's, and writes one
 * audit row in its transaction. The signing secret is sealed at rest (bound to the endpoint's id) and its
 * plaintext leaves only in the return value of the command that made it.
 */

export const WEBHOOK_DESCRIPTION_MAX = 200;
export const WEBHOOK_URL_MAX = 2048;

/** The event types an admin chooses from: every type but the sample, which Send test event sends to any endpoint. */
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter((type) => type !== 'webhook.test');

const ADMINS_ONLY = 'You need the Admin role to manage webhooks.';
const GONE = 'This endpoint no longer exists. Reload the page to see the current list.';

export type EndpointStatus = 'enabled' | 'disabled' | 'failing';

/** An endpoint as the page shows it: never its secret. */
export interface EndpointView {
  id: string;
  url: string;
  description: string | null;
  /** Empty: every event type. */
  eventTypes: string[];
  status: EndpointStatus;
  disabledAt: Date | null;
  /** The first failed attempt since the last success, while it keeps failing. */
  failingSince: Date | null;
  /** After a roll, the previous signing secret signs beside the new one until then. */
  previousSecretUntil: Date | null;
  createdAt: Date;
  createdByName: string | null;
}

const VIEW_SELECT = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  disabledAt: true,
  disabledReason: true,
  failingSince: true,
  previousSecretUntil: true,
  createdAt: true,
  createdBy: { select: { name: true } },
} satisfies Prisma.WebhookEndpointSelect;

type ViewRow = Prisma.WebhookEndpointGetPayload<{ select: typeof VIEW_SELECT }>;

function viewOf(row: ViewRow, now = new Date()): EndpointView {
  const status: EndpointStatus = !row.disabledAt
    ? 'enabled'
    : row.disabledReason === 'failing'
      ? 'failing'
      : 'disabled';
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    eventTypes: row.eventTypes,
    status,
    disabledAt: row.disabledAt,
    failingSince: row.failingSince,
    previousSecretUntil:
      row.previousSecretUntil && row.previousSecretUntil.getTime() > now.getTime() ? row.previousSecretUntil : null,
    createdAt: row.createdAt,
    createdByName: row.createdBy?.name ?? null,
  };
}

/** The endpoints an organization member may see: those of the member's organization; nobody else's. */
function scopeOf(actor: Actor): Prisma.WebhookEndpointWhereInput | null {
  return actor.membership ? { organizationId: actor.membership.organizationId } : null;
}

/** The AAD a signing secret is sealed under: a sealed value copied onto another endpoint does not open there. */
function sealedFor(endpointId: string, secret: string): string {
  return seal(`webhook-endpoint:${endpointId}`, Buffer.from(secret));
}

/**
 * The signing secrets that sign a delivery to this endpoint at `now`: the current one, and after a roll the
 * previous one until its 24 hours end.
 */
export function openSigningSecrets(
  endpoint: { id: string; secretSealed: string; previousSecretSealed: string | null; previousSecretUntil: Date | null },
  now = new Date(),
): string[] {
  const aad = `webhook-endpoint:${endpoint.id}`;
  const secrets = [open(aad, endpoint.secretSealed).toString()];
  if (endpoint.previousSecretSealed && endpoint.previousSecretUntil && endpoint.previousSecretUntil > now)
    secrets.push(open(aad, endpoint.previousSecretSealed).toString());
  return secrets;
}

export async function listEndpoints({ actor }: { actor: Actor }): Promise<EndpointView[]> {
  const scope = scopeOf(actor);
  if (!scope) return [];
  const rows = await prisma.webhookEndpoint.findMany({
    where: scope,
    select: VIEW_SELECT,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
  });
  const now = new Date();
  return rows.map((row) => viewOf(row, now));
}

export async function getEndpoint({
  actor,
  endpointId,
}: {
  actor: Actor;
  endpointId: string;
}): Promise<EndpointView | null> {
  const scope = scopeOf(actor);
  if (!scope) return null;
  const row = await prisma.webhookEndpoint.findFirst({ where: { id: endpointId, ...scope }, select: VIEW_SELECT });
  return row ? viewOf(row) : null;
}

/** How many endpoints the organization has, and how many it may have. */
export async function endpointAllowance({ actor }: { actor: Actor }) {
  const scope = scopeOf(actor);
  const count = scope ? await prisma.webhookEndpoint.count({ where: scope }) : 0;
  return { count, max: MAX_WEBHOOK_ENDPOINTS, canAdd: count < MAX_WEBHOOK_ENDPOINTS };
}

export const limitMessage = () =>
  `Your organization already has ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints, the most it may have. Delete one to add another.`;

type FieldFailure = ReturnType<typeof invalidInput>;

/** The URL as an admin typed it, checked like a JWKS URL: https to a public host (http on loopback in test runs). */
export function checkEndpointUrl(text: string): { ok: true; url: string } | FieldFailure {
  const url = text.trim();
  if (!url) return invalidInput('Enter the URL that receives the events.', 'url');
  if (url.length > WEBHOOK_URL_MAX) return invalidInput(`Use a URL of at most ${WEBHOOK_URL_MAX} characters.`, 'url');
  const allowLoopbackHttp = env.OAUTH_ALLOW_LOOPBACK_HTTP;
  const checked = checkRemoteUrl(url, { allowLoopbackHttp, example: 'https://example.com/webhooks' });
  if (!checked.ok)
    return invalidInput(checked.message.replace('The server fetches only from', 'Webhooks go only to'), 'url');
  // A name for this machine is no public host either (an address is checked above; other names when sending).
  if (!allowLoopbackHttp && isLoopbackHost(checked.url.hostname))
    return invalidInput(`Webhooks go only to public hosts: ${checked.url.hostname} is this machine.`, 'url');
  return { ok: true, url: checked.url.href };
}

/** The event types chosen: a subset of the catalogue; every subscribable type (or none) means all. */
export function checkEventTypes(types: readonly string[]): { ok: true; eventTypes: EventType[] } | FieldFailure {
  const unknown = types.filter((type) => !isEventType(type));
  if (unknown.length > 0) return invalidInput(`Unknown event type: ${unknown.slice(0, 3).join(', ')}.`, 'eventTypes');
  const chosen = EVENT_TYPES.filter((type) => types.includes(type));
  const all = SUBSCRIBABLE_EVENT_TYPES.every((type) => chosen.includes(type));
  return { ok: true, eventTypes: all ? [] : chosen };
}

export function checkDescription(
  text: string | null | undefined,
): { ok: true; description: string | null } | FieldFailure {
  const description = text?.trim() ?? '';
  if (description.length > WEBHOOK_DESCRIPTION_MAX)
    return invalidInput(`Use at most ${WEBHOOK_DESCRIPTION_MAX} characters.`, 'description');
  return { ok: true, description: description || null };
}

/** What add and edit both check: the URL, the event types and the description, in that order. */
function checkEndpointInput(input: {
  url: string;
  description?: string | null;
  eventTypes: readonly string[];
}): { ok: true; url: string; eventTypes: EventType[]; description: string | null } | FieldFailure {
  const checkedUrl = checkEndpointUrl(input.url);
  if (!checkedUrl.ok) return checkedUrl;
  const types = checkEventTypes(input.eventTypes);
  if (!types.ok) return types;
  const text = checkDescription(input.description);
  if (!text.ok) return text;
  return { ok: true, url: checkedUrl.url, eventTypes: types.eventTypes, description: text.description };
}

type InputResult<T extends object> = Result<T, 'forbidden' | 'not_found' | 'conflict' | 'invalid_input'>;

/**
 * Adds an endpoint, enabled, with a new signing secret: the one answer that holds its plaintext. Under a lock
 * on the organization's row, so that concurrent adds count one after another against the limit.
 */
export async function createEndpoint({
  actor,
  url,
  description,
  eventTypes,
  context,
}: {
  actor: Actor;
  url: string;
  description?: string | null;
  eventTypes: readonly string[];
  context?: RequestContext;
}): Promise<InputResult<{ endpoint: EndpointView; secret: string }>> {
  if (!canManageCredentials(actor)) return forbidden(ADMINS_ONLY);
  const input = checkEndpointInput({ url, description, eventTypes });
  if (!input.ok) return input;
  const { organizationId } = actor.membership;

  const id = randomUUID();
  const secret = newSigningSecret();
  const secretSealed = sealedFor(id, secret);
  return prisma.$transaction(async (tx) => {
    // NO KEY UPDATE: serializes adds without blocking rows that merely reference the organization.
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM organizations WHERE id = ${organizationId}::uuid FOR NO KEY UPDATE`;
    if (locked.length === 0) return notFound(GONE);
    const count = await tx.webhookEndpoint.count({ where: { organizationId } });
    if (count >= MAX_WEBHOOK_ENDPOINTS) return conflict(limitMessage());
    const row = await tx.webhookEndpoint.create({
      data: {
        id,
        organizationId,
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes,
        secretSealed,
        createdById: actor.userId,
      },
      select: VIEW_SELECT,
    });
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: 'webhook_endpoint_added',
      details: { endpointId: id, url: row.url, eventTypes: input.eventTypes },
      context,
    });
    return { ok: true as const, endpoint: viewOf(row), secret };
  });
}

/**
 * Changes where an endpoint's events go and which ones (its signing secret stays). A new URL is checked like
 * a first one.
 */
export async function updateEndpoint({
  actor,
  endpointId,
  url,
  description,
  eventTypes,
  context,
}: {
  actor: Actor;
  endpointId: string;
  url: string;
  description?: string | null;
  eventTypes: readonly string[];
  context?: RequestContext;
}): Promise<InputResult<{ endpoint: EndpointView }>> {
  if (!canManageCredentials(actor)) return forbidden(ADMINS_ONLY);
  const input = checkEndpointInput({ url, description, eventTypes });
  if (!input.ok) return input;
  const { organizationId } = actor.membership;
  return prisma.$transaction(async (tx) => {
    // The row as it was, locked, so that the audit row says what this change replaced.
    const before = await tx.$queryRaw<{ url: string; description: string | null; event_types: string[] }[]>`
      SELECT url, description, event_types FROM webhook_endpoints
      WHERE id = ${endpointId}::uuid AND organization_id = ${organizationId}::uuid FOR UPDATE`;
    const previous = before[0];
    if (!previous) return notFound(GONE);
    const row = await tx.webhookEndpoint.update({
      where: { id: endpointId },
      data: { url: input.url, description: input.description, eventTypes: input.eventTypes },
      select: VIEW_SELECT,
    });
    const same =
      previous.url === row.url &&
      previous.description === row.description &&
      previous.event_types.join() === row.eventTypes.join();
    if (!same)
      await recordOrganizationEvent(tx, {
        organizationId,
        actor,
        action: 'webhook_endpoint_changed',
        details: { endpointId, url: row.url, from: previous.url, eventTypes: input.eventTypes },
        context,
      });
    return { ok: true as const, endpoint: viewOf(row) };
  });
}

/**
 * A new signing secret: the current one becomes the previous one and keeps signing beside it for 24 hours, so
 * that receivers can switch without missing a message. Rolling again within those hours ends the oldest at once.
 */
export async function rollSigningSecret({
  actor,
  endpointId,
  context,
  now = new Date(),
}: {
  actor: Actor;
  endpointId: string;
  context?: RequestContext;
  now?: Date;
}): Promise<CommandResult<{ secret: string; previousSecretUntil: Date }>> {
  if (!canManageCredentials(actor)) return forbidden(ADMINS_ONLY);
  const { organizationId } = actor.membership;
  const secret = newSigningSecret();
  const secretSealed = sealedFor(endpointId, secret);
  const previousSecretUntil = new Date(now.getTime() + PREVIOUS_SECRET_SIGNS_MS);
  return prisma.$transaction(async (tx) => {
    // One statement moves the current secret aside and puts the new one in: two rolls at once cannot lose one.
    const rows = await tx.$queryRaw<{ url: string }[]>`
      UPDATE webhook_endpoints
      SET previous_secret_sealed = secret_sealed, secret_sealed = ${secretSealed},
          previous_secret_until = ${previousSecretUntil}
      WHERE id = ${endpointId}::uuid AND organization_id = ${organizationId}::uuid
      RETURNING url`;
    if (rows.length === 0) return notFound(GONE);
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: 'webhook_secret_rolled',
      details: { endpointId, url: rows[0]!.url, previousSecretUntil: previousSecretUntil.toISOString() },
      context,
    });
    return { ok: true as const, secret, previousSecretUntil };
  });
}

/**
 * Disable stops deliveries (an admin's choice, recorded as such); Enable starts them again and forgets any
 * failing streak, so that an endpoint the deliveries disabled gets five days anew. Asking for the state it is
 * already in changes nothing and writes no audit row.
 */
export async function setEndpointEnabled({
  actor,
  endpointId,
  enabled,
  context,
  now = new Date(),
}: {
  actor: Actor;
  endpointId: string;
  enabled: boolean;
  context?: RequestContext;
  now?: Date;
}): Promise<CommandResult<{ changed: boolean }>> {
  if (!canManageCredentials(actor)) return forbidden(ADMINS_ONLY);
  const { organizationId } = actor.membership;
  return prisma.$transaction(async (tx) => {
    const updated = await tx.webhookEndpoint.updateMany({
      where: { id: endpointId, organizationId, disabledAt: enabled ? { not: null } : null },
      data: enabled
        ? { disabledAt: null, disabledReason: null, failingSince: null }
        : { disabledAt: now, disabledReason: 'admin' },
    });
    const row = await tx.webhookEndpoint.findFirst({
      where: { id: endpointId, organizationId },
      select: { url: true },
    });
    if (!row) return notFound(GONE);
    if (updated.count === 0) return { ok: true as const, changed: false };
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: enabled ? 'webhook_endpoint_enabled' : 'webhook_endpoint_disabled',
      details: { endpointId, url: row.url },
      context,
    });
    return { ok: true as const, changed: true };
  });
}

/** Deletes an endpoint with its deliveries; the audit log keeps its URL. */
export async function deleteEndpoint({
  actor,
  endpointId,
  context,
}: {
  actor: Actor;
  endpointId: string;
  context?: RequestContext;
}): Promise<CommandResult> {
  if (!canManageCredentials(actor)) return forbidden(ADMINS_ONLY);
  const { organizationId } = actor.membership;
  return prisma.$transaction(async (tx) => {
    const rows = await tx.$queryRaw<{ url: string }[]>`
      DELETE FROM webhook_endpoints
      WHERE id = ${endpointId}::uuid AND organization_id = ${organizationId}::uuid
      RETURNING url`;
    if (rows.length === 0) return notFound(GONE);
    await recordOrganizationEvent(tx, {
      organizationId,
      actor,
      action: 'webhook_endpoint_deleted',
      details: { endpointId, url: rows[0]!.url },
      context,
    });
    return { ok: true as const };
  });
}
