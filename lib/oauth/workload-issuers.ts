import { errors, jwtVerify, type CryptoKey, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { OAuthError } from '@/lib/oauth/errors';
import { checkRemoteUrl, fetchJson, RemoteFetchError } from '@/lib/oauth/remote-fetch';
import { RemoteKeySet } from '@/lib/oauth/remote-key-set';

/**
 * Signature algorithms a workload's token may use: asymmetric only. `none` proves nothing, and an HS* token
 * would be "signed" with a key the verifier must share, which for a public issuer means anybody.
 */
export const WORKLOAD_TOKEN_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'] as const;

/** Clock difference tolerated between the issuer and us for exp, nbf and iat. */
const WORKLOAD_CLOCK_SKEW_SECONDS = 30;

/**
 * The longest a subject token may be valid for, from `iat` (or from now, without one) to `exp`. Platforms issue
 * them for minutes (GitHub Actions: 10 min at most); one valid for days is a credential in all but name.
 */
const MAX_WORKLOAD_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** C0, DEL and C1 controls (what `*` in a subject pattern never matches). */
const CONTROL = /\p{Cc}/u;

/** The discovery document is read again this often (a changed jwks_uri is then followed). */
const DISCOVERY_MAX_AGE_MS = 10 * 60_000;
/** Issuers whose documents are kept; the least recently used is dropped beyond this. */
const MAX_ISSUERS = 1_000;

/** A value from the token, fit for an RFC 6749 error_description (printable ASCII without " and \). */
export function quoted(value: unknown): string {
  const text =
    typeof value === 'string'
      ? value
      : Array.isArray(value)
        ? value.map((entry) => (typeof entry === 'string' ? entry : JSON.stringify(entry))).join(', ')
        : String(JSON.stringify(value ?? null));
  const safe = text.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '?');
  return `'${safe.length > 120 ? `${safe.slice(0, 117)}...` : safe}'`;
}

/**
 * A refused subject token (lib/oauth/errors.ts: invalid_grant on purpose), saying why; `reason` is the
 * request log's (lib/request-log/reasons.ts).
 */
export function invalidGrant(
  description: string,
  reason: 'subject_token_invalid' | 'subject_not_trusted' | 'issuer_unreachable' = 'subject_token_invalid',
): OAuthError {
  return new OAuthError('invalid_grant', description, { reason });
}

/** Where an issuer publishes its discovery document (OpenID Connect Discovery 1.0 §4: no trailing slash). */
function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
}

/**
 * One external OIDC issuer a trusted workload names: its discovery document (whose `issuer` must be exactly
 * the one asked for) gives the JWKS URL, whose keys check the signatures of the issuer's tokens.
 */
class WorkloadIssuer {
  private discovery: { jwksUri: string; fetchedAt: number } | undefined;
  private pendingDiscovery: Promise<string> | undefined;
  /**
   * The issuer's keys, which also keep an unusable issuer from being asked again for a while. No cooldown of
   * its own here: a failed lookup of a kid that anyone can make up must not refuse tokens of the keys held.
   */
  private readonly keys = new RemoteKeySet(() => this.jwksUri());

  constructor(readonly issuer: string) {}

  private jwksUri(): Promise<string> | string {
    if (this.discovery && Date.now() - this.discovery.fetchedAt < DISCOVERY_MAX_AGE_MS) return this.discovery.jwksUri;
    this.pendingDiscovery ??= (async () => {
      try {
        const document = (await fetchJson(discoveryUrl(this.issuer))) as { issuer?: unknown; jwks_uri?: unknown };
        if (!document || typeof document !== 'object')
          throw new RemoteFetchError('Its discovery document is not a JSON object.');
        // OpenID Connect Discovery §4.3: a document that names another issuer must not be used.
        if (document.issuer !== this.issuer)
          throw new RemoteFetchError(`Its discovery document names the issuer ${quoted(document.issuer)}.`);
        if (typeof document.jwks_uri !== 'string')
          throw new RemoteFetchError('Its discovery document has no jwks_uri.');
        const checked = checkRemoteUrl(document.jwks_uri);
        if (!checked.ok) throw new RemoteFetchError(`Its jwks_uri cannot be used: ${checked.message}`);
        this.discovery = { jwksUri: document.jwks_uri, fetchedAt: Date.now() };
        return document.jwks_uri;
      } finally {
        this.pendingDiscovery = undefined;
      }
    })();
    return this.pendingDiscovery;
  }

  /**
   * The verified claims of a token this issuer signed: signature (asymmetric algorithms only), `iss`, `exp`
   * (required, at most a day after `iat`), `nbf` and `iat` (not in the future), `sub` (required, without
   * control characters or a `..` path segment, which the access token's `sub` would carry on). The audience
   * and the subject are for the caller to check against each trusted workload. Every failure is an
   * invalid_grant saying why.
   */
  async verify(token: string): Promise<JWTPayload & { sub: string }> {
    const options: JWTVerifyOptions = {
      issuer: this.issuer,
      algorithms: [...WORKLOAD_TOKEN_ALGORITHMS],
      clockTolerance: WORKLOAD_CLOCK_SKEW_SECONDS,
      requiredClaims: ['exp', 'sub'],
    };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys.resolve, options));
    } catch (error) {
      if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw this.refusal(error);
      // A token without `kid` while the issuer publishes several keys of its algorithm: try each.
      payload = await this.verifyWithEach(token, error, options);
    }
    const now = Math.floor(Date.now() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > now + WORKLOAD_CLOCK_SKEW_SECONDS)
      throw invalidGrant('The subject_token was issued in the future (iat); check the clock of its issuer.');
    if (typeof payload.sub !== 'string' || payload.sub === '')
      throw invalidGrant('The subject_token has no sub claim.');
    if (CONTROL.test(payload.sub)) throw invalidGrant("The subject_token's sub holds a control character.");
    if (payload.sub.split(/[/:]/).includes('..'))
      throw invalidGrant(`The subject_token's sub ${quoted(payload.sub)} holds a .. path segment.`);
    const issuedAt = typeof payload.iat === 'number' ? payload.iat : now;
    if ((payload.exp as number) - issuedAt > MAX_WORKLOAD_TOKEN_LIFETIME_SECONDS)
      throw invalidGrant('The subject_token is valid for more than 24 hours (exp - iat); use a short-lived token.');
    return payload as JWTPayload & { sub: string };
  }

  private async verifyWithEach(
    token: string,
    candidates: AsyncIterable<CryptoKey>,
    options: JWTVerifyOptions,
  ): Promise<JWTPayload> {
    for await (const key of candidates) {
      try {
        return (await jwtVerify(token, key, options)).payload;
      } catch (error) {
        if (!(error instanceof errors.JWSSignatureVerificationFailed)) throw this.refusal(error);
      }
    }
    throw this.refusal(new errors.JWSSignatureVerificationFailed());
  }

  /** Why jose or the issuer refused: an invalid_grant whose description tells the workload's owner what to fix. */
  private refusal(error: unknown): OAuthError {
    if (error instanceof OAuthError) return error;
    if (error instanceof RemoteFetchError)
      return invalidGrant(
        `The keys of the issuer ${quoted(this.issuer)} could not be fetched: ${error.message}`,
        'issuer_unreachable',
      );
    if (error instanceof errors.JWTExpired) return invalidGrant('The subject_token has expired (exp).');
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.reason === 'missing') return invalidGrant(`The subject_token has no ${error.claim} claim.`);
      if (error.claim === 'nbf') return invalidGrant('The subject_token is not valid yet (nbf).');
      return invalidGrant(`The subject_token's ${error.claim} claim is not valid.`);
    }
    if (error instanceof errors.JWKSNoMatchingKey)
      return invalidGrant(
        `The issuer ${quoted(this.issuer)} publishes no key for this subject_token (kid and alg of its header), even after fetching its keys again.`,
      );
    if (error instanceof errors.JWSSignatureVerificationFailed)
      return invalidGrant(`The subject_token's signature does not verify with the keys of ${quoted(this.issuer)}.`);
    if (error instanceof errors.JOSEAlgNotAllowed)
      return invalidGrant(`The subject_token must be signed with one of ${WORKLOAD_TOKEN_ALGORITHMS.join(', ')}.`);
    // JWTInvalid, JWSInvalid, JOSENotSupported (an unusable key) and anything else jose refuses.
    return invalidGrant('The subject_token is not a JWT this server can verify.');
  }
}

/**
 * Every issuer some trusted workload names, by its exact URL, shared by all clients that trust it (so that
 * one GitHub or Kubernetes issuer is fetched once per instance, not once per account). Bounded: the least
 * recently used issuer is forgotten first.
 */
class WorkloadIssuers {
  private byIssuer = new Map<string, WorkloadIssuer>();

  get(issuer: string): WorkloadIssuer {
    let entry = this.byIssuer.get(issuer);
    if (entry) {
      this.byIssuer.delete(issuer);
    } else {
      entry = new WorkloadIssuer(issuer);
      if (this.byIssuer.size >= MAX_ISSUERS) this.byIssuer.delete(this.byIssuer.keys().next().value!);
    }
    this.byIssuer.set(issuer, entry);
    return entry;
  }
}

const globalForIssuers = globalThis as unknown as { workloadIssuers?: WorkloadIssuers };
export const workloadIssuers = (globalForIssuers.workloadIssuers ??= new WorkloadIssuers());
