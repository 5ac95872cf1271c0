'use server';

import { z } from 'zod';
import { canManageCredentials } from '@/lib/identity/actor';
import {
  createEndpoint,
  deleteEndpoint,
  rollSigningSecret,
  setEndpointEnabled,
  updateEndpoint,
  WEBHOOK_DESCRIPTION_MAX,
  WEBHOOK_URL_MAX,
} from '@/lib/data/webhook-endpoints';
import { resendDelivery, sendTestEvent } from '@/lib/data/webhook-deliveries';
import { INVALID_REQUEST, run, type ActionResult, type RunOptions } from '@/lib/actions/run';
import { forbidden, invalidInput, notFound, type Result } from '@/lib/result';

const ADMINS_ONLY = 'You need the Admin role to manage webhooks.';
const ENDPOINT_GONE = 'This endpoint no longer exists. Reload the page to see the current list.';

const endpointSchema = z.object({ endpointId: z.uuid() }).strict();

/** What the add and edit forms send; the command checks the values. */
const endpointFormSchema = z.object({
  url: z.string().max(WEBHOOK_URL_MAX * 2),
  description: z.string().max(WEBHOOK_DESCRIPTION_MAX * 5),
  eventTypes: z.array(z.string().max(64)).max(32),
});

/** The forms send the boxes checked ("All events" checks them all): none would read as all to the command. */
const noEvents = () => invalidInput('Choose at least one event, or All events.', 'eventTypes');

/**
 * The webhooks page's policy, the credentials page's: admins without a required second factor are sent to
 * enroll; malformed input looks like an endpoint that no longer exists; sensitive actions ask only those who
 * could act (viewers are refused by the command itself); success revalidates the webhooks pages.
 */
function webhookAction<S extends z.ZodType>(
  options: Omit<RunOptions<S, undefined>, 'sensitive'> & { sensitive?: boolean },
): RunOptions<S, undefined> {
  const { sensitive = false, ...rest } = options;
  return {
    twoFactor: 'manage_credentials',
    invalid: notFound(ENDPOINT_GONE),
    revalidate: { path: '/webhooks', type: 'layout' },
    ...rest,
    sensitive: sensitive ? canManageCredentials : false,
  };
}

/**
 * Adds an endpoint and returns its signing secret: the one place its plaintext ever appears. Like adding a
 * secret it does not revalidate, so that the secret shows at once; the browser refreshes the list after.
 */
export async function createEndpointAction(
  input: unknown,
): Promise<ActionResult<{ endpoint: { id: string; url: string }; secret: string }>> {
  const schema = endpointFormSchema.strict();
  const options = webhookAction({ schema, invalid: INVALID_REQUEST, sensitive: true, revalidate: false });
  return run(input, options, async ({ actor, data, context }) => {
    if (data.eventTypes.length === 0) return noEvents();
    const result = await createEndpoint({ actor, ...data, context });
    if (!result.ok) return result;
    return { ok: true, endpoint: { id: result.endpoint.id, url: result.endpoint.url }, secret: result.secret };
  });
}

/** Changes an endpoint's URL, events or description: sensitive like adding, since it redirects the events. */
export async function updateEndpointAction(input: unknown): Promise<ActionResult> {
  const schema = endpointFormSchema.extend({ endpointId: z.uuid() }).strict();
  const options = webhookAction({ schema, invalid: INVALID_REQUEST, sensitive: true });
  return run(input, options, async ({ actor, data, context }) => {
    if (data.eventTypes.length === 0) return noEvents();
    const result = await updateEndpoint({ actor, ...data, context });
    return result.ok ? { ok: true } : result;
  });
}

/** A new signing secret, shown once; the previous one keeps signing beside it for 24 hours. */
export async function rollSigningSecretAction(
  input: unknown,
): Promise<ActionResult<{ secret: string; previousSecretUntil: string }>> {
  const options = webhookAction({ schema: endpointSchema, sensitive: true, revalidate: false });
  return run(input, options, async ({ actor, data, context }) => {
    const result = await rollSigningSecret({ actor, ...data, context });
    if (!result.ok) return result;
    return { ok: true, secret: result.secret, previousSecretUntil: result.previousSecretUntil.toISOString() };
  });
}

export async function setEndpointEnabledAction(input: unknown): Promise<ActionResult> {
  const schema = z.object({ endpointId: z.uuid(), enabled: z.boolean() }).strict();
  return run(input, webhookAction({ schema }), async ({ actor, data, context }) => {
    const result = await setEndpointEnabled({ actor, ...data, context });
    return result.ok ? { ok: true } : result;
  });
}

/**
 * It does not revalidate: from the endpoint's own page, a revalidated page would answer "not found" before the
 * browser moves on to the list; the browser refreshes the list, or goes to it.
 */
export async function deleteEndpointAction(input: unknown): Promise<ActionResult> {
  const options = webhookAction({ schema: endpointSchema, sensitive: true, revalidate: false });
  return run(input, options, ({ actor, data, context }) => deleteEndpoint({ actor, ...data, context }));
}

/** Sends a webhook.test event to one endpoint, whatever event types it receives. */
export async function sendTestEventAction(input: unknown): Promise<ActionResult<{ eventId: string }>> {
  return run(
    input,
    webhookAction({ schema: endpointSchema }),
    async ({ actor, data }): Promise<Result<{ eventId: string }>> => {
      if (!canManageCredentials(actor)) return forbidden(ADMINS_ONLY);
      const sent = await sendTestEvent({
        organizationId: actor.membership.organizationId,
        endpointId: data.endpointId,
      });
      return sent ? { ok: true, eventId: sent.eventId } : notFound(ENDPOINT_GONE);
    },
  );
}

/** Attempts a delivery again, now, with the same message id. */
export async function resendDeliveryAction(input: unknown): Promise<ActionResult> {
  const options = webhookAction({
    schema: z.object({ deliveryId: z.uuid() }).strict(),
    invalid: notFound('This delivery no longer exists. Reload the page.'),
  });
  return run(input, options, async ({ actor, data }): Promise<Result> => {
    if (!canManageCredentials(actor)) return forbidden(ADMINS_ONLY);
    const resent = await resendDelivery({ organizationId: actor.membership.organizationId, ...data });
    return resent ? { ok: true } : notFound('This delivery no longer exists. Reload the page.');
  });
}
