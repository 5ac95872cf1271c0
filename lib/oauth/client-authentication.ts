import { OAuthError } from '@/lib/oauth/errors';
import type { RefusalReason } from '@/lib/request-log/reasons';
import { verifyClientAssertion } from '@/lib/oauth/client-assertion';
import { recordFailedAuthentication } from '@/lib/oauth/failure-limiter';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import type { ClientAuthentication } from '@/lib/oauth/token-request';

/** A client that proved who it is, and the credential it proved it with. */
export interface AuthenticatedClient {
  clientId: string;
  /** The secret's or public key's id: usage, scopes and token revocation belong to it. */
  credentialId: string;
  /** The scopes the credential allows. */
  scopes: readonly string[];
}

export interface CallerContext {
  address: string;
  userAgent: string;
}

/** Who is calling an endpoint, as usage and the audit trail record it (the user agent cut to 256 characters). */
export function callerOf(request: { address: string; userAgent?: string | null }): CallerContext {
  return { address: request.address, userAgent: (request.userAgent ?? '').slice(0, 256) };
}

/**
 * What a failed check reports: why (lib/request-log/reasons.ts), and the credential it concerned when one
 * was proved or presented.
 */
export type FailedAuthentication = { reason: RefusalReason; credentialId?: string };

/**
 * Counts a failure against the client and the caller's address (the failure limiter); over the limit, the
 * answer becomes 429 "Too many failed <what>" instead of the refusal itself.
 */
export async function countFailure(
  clientId: string,
  caller: CallerContext,
  what: string,
  credentialId?: string,
): Promise<void> {
  const retryAfterSeconds = await recordFailedAuthentication({ clientId, address: caller.address });
  if (retryAfterSeconds !== null)
    throw new OAuthError('too_many_failures', `Too many failed ${what}. Try again later.`, {
      retryAfterSeconds,
      reason: 'rate_limited',
      clientId,
      credentialId,
    });
}

/** Refuses a client (invalid_client, or 429 once the failure limiter says so), recording what the admin must see. */
export async function refuse(clientId: string, failure: FailedAuthentication, caller: CallerContext): Promise<never> {
  // A right credential from outside its allowlist: refused like any other, and shown to the admin.
  if (failure.reason === 'address_not_allowed' && failure.credentialId)
    usageRecorder.recordBlocked(failure.credentialId, caller.address, caller.userAgent);
  // A decoy tripped: the caller sees an ordinary invalid_client, the admins an alarm.
  if (failure.reason === 'decoy_used' && failure.credentialId)
    usageRecorder.recordDecoyUse(failure.credentialId, caller.address, caller.userAgent);
  await countFailure(clientId, caller, 'client authentications', failure.credentialId);
  // Unknown client, wrong, disabled or deleted credential: one answer for all; the reason goes to the log only.
  throw new OAuthError('invalid_client', 'Client authentication failed.', { ...failure, clientId });
}

/**
 * Authenticates the client of a token, revocation or introspection request by secret (Basic or body) or by
 * a signed assertion (private_key_jwt). Every failure is counted by the failure limiter and answered with
 * the same invalid_client (429 once over the limit). `none` is refused: callers that allow a public client
 * handle it before calling this.
 */
export async function authenticateClient(
  client: ClientAuthentication,
  caller: CallerContext,
): Promise<AuthenticatedClient> {
  if (client.method === 'client_secret_basic' || client.method === 'client_secret_post') {
    const verified = await secretVerifier.verify(client.clientId, client.clientSecret, caller.address);
    if (!verified.ok)
      return refuse(client.clientId, { reason: verified.reason, credentialId: verified.credentialId }, caller);
    return { clientId: client.clientId, credentialId: verified.credentialId, scopes: verified.scopes };
  }
  if (client.method === 'private_key_jwt') {
    const verified = await verifyClientAssertion(client, caller.address);
    if (!verified.ok)
      return refuse(verified.clientId, { reason: verified.reason, credentialId: verified.credentialId }, caller);
    return { clientId: verified.clientId, credentialId: verified.credentialId, scopes: verified.scopes };
  }
  // No client authentication at all, where one is needed.
  return refuse(client.clientId ?? '', { reason: 'malformed_request' }, caller);
}

/**
 * The scopes a token gets: those asked for, each of which the credential must allow (else invalid_scope),
 * or all the credential allows when none were asked for.
 */
export function grantedScopes(
  requested: string[] | null,
  credential: { clientId: string; credentialId: string; scopes: readonly string[] },
): string[] {
  const allowed = credential.scopes;
  if (requested === null) return [...allowed];
  const missing = requested.filter((scope) => !allowed.includes(scope));
  if (missing.length > 0) {
    throw new OAuthError(
      'invalid_scope',
      `This credential may not request ${missing.join(', ')}. It allows: ${allowed.join(', ')}.`,
      {
        reason: 'scope_not_allowed',
        clientId: credential.clientId,
        credentialId: credential.credentialId,
        scopes: missing,
      },
    );
  }
  return requested;
}
