/**
 * What is emailed besides the catalogue's person events: an account's own security events (to that user
 * only, never to webhooks) and an endpoint disabled for failing. Pure: no I/O.
 */
import { PERSON_EVENT_TYPES } from '@/lib/events/catalogue';

/** Events about a user's own account, emailed to that user alone. */
export const ACCOUNT_EVENT_TYPES = [
  'account.new_browser',
  'account.password_changed',
  'account.factor_added',
  'account.factor_removed',
  'account.recovery_code_used',
  'account.signed_out_everywhere',
] as const;
export type AccountEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

export function isAccountEventType(value: unknown): value is AccountEventType {
  return typeof value === 'string' && (ACCOUNT_EVENT_TYPES as readonly string[]).includes(value);
}

/** `data` of an account event: where the change came from, and what it adds. Never a secret or a code. */
export interface AccountEventData {
  organization_id?: string;
  address?: string | null;
  user_agent?: string | null;
  /** account.factor_added / account.factor_removed */
  method?: 'totp' | 'passkey';
  /** The passkey's name, or "Authenticator app". */
  name?: string;
  /** account.recovery_code_used: unused codes left. */
  remaining?: number;
  /** account.signed_out_everywhere: how many sessions ended. */
  sessions?: number;
}

/** An internal event: an endpoint whose every attempt failed for five days was disabled. Emailed, never delivered. */
export const ENDPOINT_DISABLED = 'webhook.endpoint_disabled';

export interface EndpointDisabledData {
  organization_id: string;
  endpoint: { id: string; url: string };
  /** When its failures began, if known. */
  failing_since?: string | null;
}

/**
 * The categories an admin may switch off on the Security page ("Email me about …"), each an event type
 * emailed to every admin of the organization; all on by default.
 */
export const MAIL_CATEGORIES: readonly string[] = [...PERSON_EVENT_TYPES, ENDPOINT_DISABLED];

export function isMailCategory(value: unknown): value is string {
  return typeof value === 'string' && MAIL_CATEGORIES.includes(value);
}

/** What each checkbox says after "Email me about …". */
export const MAIL_CATEGORY_LABELS: Readonly<Record<string, { label: string; hint: string }>> = {
  'credential.expiring': { label: 'Credentials about to stop', hint: '14, 7 and 1 days before expiry or a roll’s end' },
  'credential.expired': { label: 'Credentials that expired', hint: 'They are refused from then on' },
  'credential.leaked': { label: 'Secrets reported leaked', hint: 'Deactivated at once, their tokens revoked' },
  'credential.decoy_triggered': { label: 'Decoy secrets used', hint: 'Whoever tried one should not hold it' },
  'credential.new_caller': { label: 'Calls from new addresses', hint: 'Not seen with the credential for 30 days' },
  [ENDPOINT_DISABLED]: { label: 'Webhook endpoints disabled', hint: 'Every attempt failed for five days' },
};

/**
 * An internal event: an admin invited a person (or sent the invitation again). Emailed to the invitee alone,
 * never delivered to webhooks. The link's token is in `token_sealed`, sealed under the invitation's id
 * (lib/crypto/sealed.ts): the outbox never holds it in plaintext, and only the mail composed from it does.
 */
export const INVITATION_SENT = 'invitation.sent';

export interface InvitationSentData {
  organization_id: string;
  organization_name: string;
  invitation_id: string;
  email: string;
  role: 'ADMIN' | 'VIEWER';
  inviter_name: string;
  expires_at: string;
  token_sealed: string;
}
