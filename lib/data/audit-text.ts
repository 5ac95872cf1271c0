import { KIND_WORDS, isCredentialKind } from '@/lib/credentials/credential-kinds';
import type { CredentialKind } from '@/lib/credentials/credential-kinds';

/** How audit events read to a person: a label per action and a one-line description of its details. */
export const AUDIT_ACTIONS: Record<string, string> = {
  created: 'Created',
  scopes_changed: 'Scopes changed',
  renamed: 'Renamed',
  activated: 'Activated',
  deactivated: 'Deactivated',
  deleted: 'Deleted',
  expiry_set: 'Expiry changed',
  allowlist_set: 'Allowed addresses changed',
  rolled: 'Rolled',
  blocked_address: 'Blocked: address not allowed',
  reported_leaked: 'Reported leaked',
  decoy_set: 'Made a decoy',
  decoy_used: 'Decoy used',
  support_viewed: 'Support viewed credentials',
  support_viewed_requests: 'Support viewed the request log',
  alert_acknowledged: 'Alert acknowledged',
  tokens_revoked: 'Issued tokens revoked',
  access_token_revoked: 'Access token revoked',
  expired: 'Expired',
  sign_in_succeeded: 'Signed in',
  organization_switched: 'Switched to this organization',
  platform_session_issued: 'Session issued with the test tenant',
  sign_in_failed: 'Sign-in failed',
  sign_in_throttled: 'Sign-in throttled',
  factor_enrolled: 'Two-factor method added',
  factor_removed: 'Two-factor method removed',
  recovery_code_used: 'Recovery code used',
  recovery_codes_regenerated: 'Recovery codes regenerated',
  session_ended: 'Session ended',
  reauthenticated: 'Identity confirmed',
  password_changed: 'Password changed',
  two_factor_policy_changed: 'Two-factor requirement changed',
  reauth_window_changed: 'Confirmation window changed',
  webhook_endpoint_disabled_failing: 'Webhook endpoint disabled: every attempt failed for five days',
  webhook_endpoint_added: 'Webhook endpoint added',
  webhook_endpoint_changed: 'Webhook endpoint changed',
  webhook_secret_rolled: 'Webhook signing secret rolled',
  webhook_endpoint_disabled: 'Webhook endpoint disabled',
  webhook_endpoint_enabled: 'Webhook endpoint enabled',
  webhook_endpoint_deleted: 'Webhook endpoint deleted',
  member_invited: 'Member invited',
  invitation_resent: 'Invitation sent again',
  invitation_revoked: 'Invitation revoked',
  invitation_accepted: 'Invitation accepted',
  member_role_changed: 'Member role changed',
  member_removed: 'Member removed',
  sso_settings_changed: 'Single sign-on changed',
  sso_removed: 'Single sign-on turned off',
  sso_account_created: 'Account created through single sign-on',
};

export function describeAuditEvent(event: {
  action: string;
  details: unknown;
  reason?: string | null;
  credentialPreview?: string | null;
  credentialName?: string | null;
}): string | null {
  const d = (event.details ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (event.action === 'created' && isCredentialKind(d.kind)) parts.push(describeCreated(d.kind, d));
  if (event.action === 'scopes_changed') parts.push(`${scopeList(d.from)} → ${scopeList(d.to)}`);
  if (event.action === 'renamed') parts.push(`“${d.from}” → “${d.to}”`);
  if (event.action === 'expiry_set')
    parts.push(d.expiresAt ? `Expires ${new Date(String(d.expiresAt)).toUTCString()}` : 'No expiry');
  if (event.action === 'allowlist_set')
    parts.push(Array.isArray(d.to) && d.to.length ? d.to.join(', ') : 'Any address');
  if (event.action === 'rolled') {
    const old = credentialText(event.credentialName, event.credentialPreview) ?? 'Secret';
    const replacement = credentialText(d.replacementName, d.replacement);
    parts.push(`${old} replaced by ${replacement}; stops ${new Date(String(d.deactivateAt)).toUTCString()}`);
  }
  if (event.action === 'deactivated' && d.scheduled) parts.push('At the end of its roll grace period');
  if (event.action === 'deactivated' && d.revokedTokens) parts.push('Its unexpired access tokens were revoked too');
  if (event.action === 'support_viewed_requests' && typeof d.requestId === 'string')
    parts.push(`Looked up request ${d.requestId}`);
  if (event.action === 'access_token_revoked') parts.push(`Token ${d.jti}, at the client's request`);
  if (event.action === 'factor_enrolled' || event.action === 'factor_removed') {
    parts.push(d.method === 'passkey' ? `Passkey “${d.name}”` : 'Authenticator app');
  }
  if (event.action === 'recovery_code_used' && typeof d.remaining === 'number') parts.push(`${d.remaining} left`);
  if (event.action === 'sign_in_succeeded' && d.method === 'sso') parts.push('Through single sign-on');
  if (event.action === 'sso_settings_changed') parts.push(describeSso(d));
  if (event.action === 'two_factor_policy_changed')
    parts.push(d.required ? 'Required for admins' : 'No longer required for admins');
  if (event.action.startsWith('webhook_') && typeof d.url === 'string') parts.push(describeWebhook(event.action, d));
  if (MEMBER_ACTIONS.has(event.action) && typeof d.email === 'string') parts.push(describeMember(event.action, d));
  if (event.reason) parts.push(`Reason: ${event.reason}`);
  return parts.length ? parts.join(' · ') : null;
}

/** Single sign-on's settings after a change, in words (never the client secret, which is not in the details). */
function describeSso(d: Record<string, unknown>): string {
  const parts = [`Issuer ${d.issuer}`, `domains ${scopeList(d.domains)}`];
  if (d.clientSecretChanged) parts.push('client secret changed');
  if (d.createAccounts) parts.push('creates accounts as Viewers');
  if (d.idpSatisfiesTwoFactor) parts.push('counts as the second factor');
  if (d.requireSso) parts.push('required');
  return parts.join(' · ');
}

/** A credential inside a description: “Payments” uqs_…a1b2, or the preview alone for rows without a name. */
function credentialText(name: unknown, preview: unknown): string | null {
  const known = (value: unknown) => (typeof value === 'string' && value ? value : null);
  const [n, p] = [known(name), known(preview)];
  if (n && p) return `“${n}” ${p}`;
  return n ? `“${n}”` : p;
}

function scopeList(scopes: unknown): string {
  return Array.isArray(scopes) && scopes.length ? scopes.join(', ') : 'none';
}

/** What was created: the kind in words, what identifies it (key, URL, workload), and its scopes. */
function describeCreated(kind: CredentialKind, d: Record<string, unknown>): string {
  const what = [KIND_WORDS[kind].label];
  if (kind === 'PUBLIC_KEY' && d.jwksUrl) what.push(`JWKS URL ${d.jwksUrl}`);
  else if (kind === 'PUBLIC_KEY') what.push(`${d.alg}, kid ${d.kid}`);
  if (kind === 'WORKLOAD') what.push(`issuer ${d.issuer}, audience ${d.audience}, subject ${d.subject}`);
  what.push(`scopes ${scopeList(d.scopes)}`);
  return what.join(' · ');
}

/** A webhook endpoint's change: its URL (and the one it replaced), what it receives, until when a rolled secret signs. */
function describeWebhook(action: string, d: Record<string, unknown>): string {
  const what = [String(d.url)];
  if (action === 'webhook_endpoint_changed' && typeof d.from === 'string' && d.from !== d.url)
    what[0] = `${d.from} → ${d.url}`;
  if (action === 'webhook_endpoint_added' || action === 'webhook_endpoint_changed')
    what.push(Array.isArray(d.eventTypes) && d.eventTypes.length ? d.eventTypes.join(', ') : 'all events');
  if (action === 'webhook_secret_rolled' && typeof d.previousSecretUntil === 'string')
    what.push(`the previous secret signs until ${new Date(d.previousSecretUntil).toUTCString()}`);
  return what.join(' · ');
}

const MEMBER_ACTIONS = new Set([
  'member_invited',
  'invitation_resent',
  'invitation_revoked',
  'invitation_accepted',
  'member_role_changed',
  'member_removed',
]);

const roleWord = (role: unknown) => (role === 'ADMIN' ? 'Admin' : role === 'VIEWER' ? 'Viewer' : String(role));

/** Who a member change concerned and how: the email, the role (or the change of role), sessions ended. */
function describeMember(action: string, d: Record<string, unknown>): string {
  const what = [String(d.email)];
  if (action === 'member_role_changed') what.push(`${roleWord(d.from)} → ${roleWord(d.to)}`);
  else if (d.role) what.push(roleWord(d.role));
  if (action === 'member_removed' && typeof d.sessionsEnded === 'number')
    what.push(d.sessionsEnded === 1 ? '1 session ended' : `${d.sessionsEnded} sessions ended`);
  if (action === 'invitation_accepted' && d.newAccount === true) what.push('new account');
  return what.join(' · ');
}
