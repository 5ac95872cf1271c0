/**
 * The events the portal tells the outside about: one catalogue that the outbox, the webhook deliveries, the
 * emails, the OpenAPI document (`webhooks`) and docs/events.md share. Pure: no I/O.
 */

export const EVENT_TYPES = [
  'credential.created',
  'credential.activated',
  'credential.deactivated',
  'credential.deleted',
  'credential.rolled',
  'credential.scopes_changed',
  'credential.expiring',
  'credential.expired',
  'credential.leaked',
  'credential.decoy_triggered',
  'credential.new_caller',
  'webhook.test',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && (EVENT_TYPES as readonly string[]).includes(value);
}

/**
 * What each type means, for the docs, the OpenAPI document and the endpoint dialog. `person` marks the
 * events that need a person: the organization's admins are emailed about them (each admin chooses which).
 */
export const EVENT_CATALOGUE: Record<EventType, { summary: string; person: boolean }> = {
  'credential.created': { summary: 'A credential was added (it starts disabled).', person: false },
  'credential.activated': { summary: 'A credential was activated: it now obtains tokens.', person: false },
  'credential.deactivated': {
    summary: 'A credential was deactivated, by an admin or at the end of a roll’s grace period.',
    person: false,
  },
  'credential.deleted': { summary: 'A credential was deleted.', person: false },
  'credential.rolled': {
    summary: 'A secret was rolled: a replacement was made and the old one stops at the end of the grace period.',
    person: false,
  },
  'credential.scopes_changed': { summary: 'The scopes a credential may be granted changed.', person: false },
  'credential.expiring': {
    summary:
      'A credential stops working in 14, 7 or 1 days: at its expiry, or at the end of a roll’s grace period. Sent once per threshold.',
    person: true,
  },
  'credential.expired': { summary: 'A credential reached its expiry and is refused from now on.', person: true },
  'credential.leaked': {
    summary: 'A secret was reported leaked (POST /api/secrets/revoke) and deactivated; its tokens were revoked.',
    person: true,
  },
  'credential.decoy_triggered': {
    summary: 'Someone tried to obtain a token with a decoy secret: whoever holds it should not.',
    person: true,
  },
  'credential.new_caller': {
    summary: 'A credential obtained a token from an address not seen with it in the last 30 days.',
    person: true,
  },
  'webhook.test': { summary: 'A sample sent on request (Send test event) to check an endpoint.', person: false },
};

/** The credential events that need a person, which an admin may switch off one by one ("Email me about …"). */
export const PERSON_EVENT_TYPES = EVENT_TYPES.filter((type) => EVENT_CATALOGUE[type].person);

/** The audit actions that are also events, and the event each one is. */
export const EVENT_OF_AUDIT_ACTION: Readonly<Record<string, EventType>> = {
  created: 'credential.created',
  activated: 'credential.activated',
  deactivated: 'credential.deactivated',
  deleted: 'credential.deleted',
  rolled: 'credential.rolled',
  scopes_changed: 'credential.scopes_changed',
  expired: 'credential.expired',
  reported_leaked: 'credential.leaked',
  decoy_used: 'credential.decoy_triggered',
};

/** credential.expiring is sent this many days before a credential stops, once each. */
export const EXPIRING_THRESHOLD_DAYS = [14, 7, 1] as const;

/** credential.new_caller: an address not seen with the credential for this long counts as new. */
export const NEW_CALLER_WINDOW_DAYS = 30;

/** The credential as every credential event describes it. Never a secret value or key material. */
export interface EventCredential {
  id: string;
  name: string;
  kind: 'secret' | 'public_key' | 'workload';
  preview: string;
  status: 'active' | 'disabled' | 'expired' | 'deleted';
  scopes: string[];
  expires_at: string | null;
}

/** The `data` member of an event's payload. */
export interface EventData {
  organization_id: string;
  credential?: EventCredential;
  /** Who acted: a member of the organization, support staff, the platform itself or an anonymous reporter. */
  actor?: { type: 'user' | 'system' | 'public'; name: string };
  address?: string | null;
  user_agent?: string | null;
  reason?: string | null;
  /** credential.expiring: when it stops, what stops it, and the threshold crossed. */
  stops_at?: string;
  stops_because?: 'expiry' | 'roll_grace_period';
  days?: number;
  /** credential.scopes_changed */
  previous_scopes?: string[];
  /** credential.rolled: the secret that replaces it. */
  replacement?: { id: string; name: string; preview: string };
  /** Set on samples (Send test event, event triggers). */
  test?: true;
  [extra: string]: unknown;
}

/** A payload as Standard Webhooks describes it. */
export interface EventPayload {
  type: EventType;
  timestamp: string;
  data: EventData;
}

export function payloadOf(event: { type: string; createdAt: Date; data: unknown }): EventPayload {
  return { type: event.type as EventType, timestamp: event.createdAt.toISOString(), data: event.data as EventData };
}

// ---- JSON Schemas (OpenAPI 3.1 uses JSON Schema 2020-12) ----

const timestamp = { type: 'string', format: 'date-time' } as const;

const credentialSchema = {
  type: 'object',
  required: ['id', 'name', 'kind', 'preview', 'status', 'scopes', 'expires_at'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    kind: { enum: ['secret', 'public_key', 'workload'] },
    preview: { type: 'string', description: 'The masked secret, the key’s algorithm and id, or the subject.' },
    status: { enum: ['active', 'disabled', 'expired', 'deleted'] },
    scopes: { type: 'array', items: { type: 'string' } },
    expires_at: { type: ['string', 'null'], format: 'date-time' },
  },
};

const actorSchema = {
  type: 'object',
  required: ['type', 'name'],
  properties: { type: { enum: ['user', 'system', 'public'] }, name: { type: 'string' } },
};

/** What each type adds to `data` beyond organization_id, credential, actor, address, user_agent and reason. */
const ADDED: Partial<Record<EventType, { required: string[]; properties: Record<string, unknown> }>> = {
  'credential.expiring': {
    required: ['stops_at', 'stops_because', 'days'],
    properties: {
      stops_at: timestamp,
      stops_because: { enum: ['expiry', 'roll_grace_period'] },
      days: { enum: [...EXPIRING_THRESHOLD_DAYS] },
    },
  },
  'credential.scopes_changed': {
    required: ['previous_scopes'],
    properties: { previous_scopes: { type: 'array', items: { type: 'string' } } },
  },
  'credential.rolled': {
    required: ['replacement'],
    properties: {
      replacement: {
        type: 'object',
        required: ['id', 'name', 'preview'],
        properties: { id: { type: 'string', format: 'uuid' }, name: { type: 'string' }, preview: { type: 'string' } },
      },
    },
  },
  'credential.new_caller': { required: ['address', 'user_agent'], properties: {} },
  'credential.leaked': { required: ['address'], properties: {} },
  'credential.decoy_triggered': { required: ['address'], properties: {} },
};

/** The JSON Schema of one type's payload (`{type, timestamp, data}`). */
export function payloadSchema(type: EventType): Record<string, unknown> {
  const added = ADDED[type];
  const dataRequired = type === 'webhook.test' ? ['organization_id'] : ['organization_id', 'credential'];
  return {
    type: 'object',
    required: ['type', 'timestamp', 'data'],
    properties: {
      type: { const: type },
      timestamp,
      data: {
        type: 'object',
        required: [...dataRequired, ...(added?.required ?? [])],
        properties: {
          organization_id: { type: 'string', format: 'uuid' },
          ...(type === 'webhook.test' ? {} : { credential: credentialSchema }),
          actor: actorSchema,
          address: { type: ['string', 'null'] },
          user_agent: { type: ['string', 'null'] },
          reason: { type: ['string', 'null'] },
          test: { const: true, description: 'Present on samples: Send test event and event triggers.' },
          ...(added?.properties ?? {}),
        },
      },
    },
  };
}
