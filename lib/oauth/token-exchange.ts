import { subjectMatches } from '@/lib/credentials/subject-pattern';
import { addressAllowed } from '@/lib/credentials/rules';
import { OAuthError } from '@/lib/oauth/errors';
import {
  authenticateClient,
  countFailure,
  grantedScopes,
  refuse,
  type CallerContext,
} from '@/lib/oauth/client-authentication';
import { clientCredentialCache, credentialsNow, type ClientCredential } from '@/lib/oauth/client-credentials';
import { checkRemoteUrl } from '@/lib/oauth/remote-fetch';
import { invalidGrant, quoted, WORKLOAD_TOKEN_ALGORITHMS, workloadIssuers } from '@/lib/oauth/workload-issuers';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { decodeUnverified } from '@/lib/oauth/unverified-jwt';
import type { TOKEN_EXCHANGE, TokenRequest } from '@/lib/oauth/token-request';

export type TokenExchangeRequest = Extract<TokenRequest, { grantType: typeof TOKEN_EXCHANGE }>;

/** A workload that proved who it is with its platform's token, and what its access token may carry. */
export interface VerifiedWorkload {
  clientId: string;
  /** The trusted workload (a credential of the client): usage, scopes and token revocation belong to it. */
  credentialId: string;
  /** The workload token's `sub`: the access token's subject. */
  subject: string;
  scopes: string[];
}

/** The client a token exchange is for: the client_id alone, or a client that authenticated as well. */
async function requestingClient(request: TokenExchangeRequest, caller: CallerContext): Promise<string> {
  const { client } = request;
  if (client.method === 'none') {
    // parseTokenRequest requires client_id for a token exchange without client authentication.
    return client.clientId ?? '';
  }
  // Optional for a workload (its token is the proof), but when sent it must be right, like anywhere else;
  // authenticateClient also refuses a client_id other than the one authenticated.
  return (await authenticateClient(client, caller)).clientId;
}

/** The unverified `iss` and `alg`, only to choose which workloads (and so which issuer's keys) to try. */
function unverifiedIssuer(subjectToken: string): string {
  const decoded = decodeUnverified(subjectToken);
  if (!decoded) throw invalidGrant('The subject_token is not a JWT (header.payload.signature, each base64url).');
  const { alg } = decoded.header;
  const { iss } = decoded.claims;
  if (!(WORKLOAD_TOKEN_ALGORITHMS as readonly unknown[]).includes(alg)) {
    throw invalidGrant(
      `The subject_token is signed with ${alg === undefined ? 'no algorithm' : quoted(alg)}; accepted: ${WORKLOAD_TOKEN_ALGORITHMS.join(', ')}.`,
    );
  }
  if (typeof iss !== 'string' || iss === '') throw invalidGrant('The subject_token has no iss claim.');
  return iss;
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((entry): entry is string => typeof entry === 'string') : [];
}

/**
 * The trusted workload that accepts this subject token: the client's active workloads whose issuer is
 * exactly the token's `iss`, the token verified with that issuer's published keys, then the first workload
 * (oldest first) whose audience the token's `aud` contains and whose subject pattern its `sub` matches.
 * That workload alone decides: its allowed addresses are checked, and the scopes come from it.
 */
async function trustedWorkload(
  credentials: readonly ClientCredential[],
  subjectToken: string,
  caller: CallerContext,
  now = Date.now(),
): Promise<{ workload: ClientCredential; subject: string }> {
  const issuer = unverifiedIssuer(subjectToken);
  const candidates = credentials.filter(
    (credential) => credential.kind === 'WORKLOAD' && credential.workloadIssuer === issuer && now < credential.stopsAt,
  );
  if (candidates.length === 0) {
    throw invalidGrant(
      `No active trusted workload of this client accepts tokens from the issuer ${quoted(issuer)}.`,
      'subject_not_trusted',
    );
  }
  const checked = checkRemoteUrl(issuer);
  if (!checked.ok)
    throw invalidGrant(`The issuer ${quoted(issuer)} cannot be trusted: ${checked.message}`, 'issuer_unreachable');

  const claims = await workloadIssuers.get(issuer).verify(subjectToken);
  const tokenAudiences = audiences(claims.aud);
  const forAudience = candidates.filter((workload) => tokenAudiences.includes(workload.workloadAudience ?? ''));
  if (forAudience.length === 0) {
    throw invalidGrant(
      `The subject_token's aud ${quoted(claims.aud)} is not the audience a trusted workload for this issuer expects.`,
      'subject_not_trusted',
    );
  }
  const workload = forAudience.find((candidate) => subjectMatches(candidate.workloadSubject ?? '', claims.sub));
  if (!workload) {
    throw invalidGrant(
      `The subject_token's sub ${quoted(claims.sub)} matches no trusted workload's subject pattern.`,
      'subject_not_trusted',
    );
  }
  if (!addressAllowed(caller.address, workload.allowedCidrs)) {
    usageRecorder.recordBlocked(workload.id, caller.address, caller.userAgent);
    throw new OAuthError('invalid_grant', 'This trusted workload does not accept token exchanges from your address.', {
      reason: 'address_not_allowed',
      credentialId: workload.id,
    });
  }
  return { workload, subject: claims.sub };
}

/**
 * Token exchange for a trusted workload (RFC 8693): the workload names the account by its Client ID and
 * proves who it is with a token its platform issued; no secret exists. An unknown client is an
 * invalid_client; every refusal of the subject token is an invalid_grant that says why, counted by the
 * failure limiter like a failed client authentication, so that the endpoint cannot be used to hammer an
 * issuer or to probe for subjects.
 */
export async function verifyWorkload(request: TokenExchangeRequest, caller: CallerContext): Promise<VerifiedWorkload> {
  const clientId = await requestingClient(request, caller);
  const account = await clientCredentialCache.get(clientId);
  if (!account) return refuse(clientId, { reason: 'subject_not_trusted' }, caller);

  let found: { workload: ClientCredential; subject: string };
  try {
    // Expiry on the client's own clock (a tenant's test clock); the subject token's own times stay real.
    found = await trustedWorkload(
      account.credentials,
      request.subjectToken,
      caller,
      credentialsNow(account, Date.now()),
    );
  } catch (error) {
    if (error instanceof OAuthError && error.kind === 'invalid_grant')
      await countFailure(clientId, caller, 'token exchanges', error.refusal.credentialId);
    throw error;
  }
  return {
    clientId,
    credentialId: found.workload.id,
    subject: found.subject,
    scopes: grantedScopes(request.scopes, { clientId, credentialId: found.workload.id, scopes: found.workload.scopes }),
  };
}
