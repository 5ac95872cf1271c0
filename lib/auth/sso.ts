import 'server-only';
import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { now } from '@/lib/clock';
import type { RequestContext } from '@/lib/data/audit';
import { createSignInChallenge } from '@/lib/data/auth-challenges';
import {
  type SsoConnection,
  consumeSsoAuthorization,
  createSsoAuthorization,
  findSsoConnection,
  findSsoConnectionForEmail,
  resolveSsoPerson,
} from '@/lib/data/sso';
import { getTwoFactorStatus } from '@/lib/data/two-factor';
import { env } from '@/lib/env';
import { configuredPortalOrigin } from '@/lib/http/portal-address';
import { hashPassword } from '@/lib/identity/password';
import { withPasswordCheckSlot } from '@/lib/auth/password-check-limit';
import { checkRemoteUrl, fetchPublic, RemoteFetchError } from '@/lib/oauth/remote-fetch';
import type { SecondFactorMethods } from '@/lib/auth/sign-in';
import { checkIdentityClaims, type SsoError } from '@/lib/sso/rules';

/**
 * Single sign-on through an organization's OpenID Connect identity provider: the authorization code flow
 * with PKCE, state and nonce (openid-client). Every request to the identity provider (discovery, keys, token)
 * goes through the JWKS-URL rules (fetchPublic: https, public hosts, size and time limits). The trip's state is
 * single-use and bound to the browser that started it (lib/data/sso.ts). A person the ID token vouches for
 * then signs in exactly like after a right password: a pending sign-in, verified or waiting for the second
 * factor, that the sign-in page turns into a session (completeSignIn).
 */

/** The scopes asked for: the ID token and the email and name claims. */
export const SSO_SCOPES = 'openid email profile';

/** Leeway for the identity provider's clock when checking the ID token's exp, iat and nbf. */
export const ID_TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

/** Where identity providers send people back; registered with the identity provider as the redirect URI. */
export function ssoRedirectUri(): string {
  return `${configuredPortalOrigin() ?? `http://localhost:${env.PORT}`}/api/auth/sso/callback`;
}

/**
 * The identity provider's configuration from its discovery document (whose `issuer` must be exactly the
 * configured one). Its clock is the portal's (the test clock included), so expiry is judged by one clock.
 */
async function configurationFor(connection: SsoConnection): Promise<oidc.Configuration> {
  const checked = checkRemoteUrl(connection.issuer);
  if (!checked.ok) throw new RemoteFetchError(checked.message);
  const metadata: Partial<oidc.ClientMetadata> = {
    [oidc.clockSkew]: Math.round((now().getTime() - Date.now()) / 1000),
    [oidc.clockTolerance]: ID_TOKEN_CLOCK_TOLERANCE_SECONDS,
  };
  return oidc.discovery(
    checked.url,
    connection.clientId,
    metadata,
    // HTTP Basic: the client authentication every OAuth 2.0 server must support (RFC 6749 §2.3.1).
    oidc.ClientSecretBasic(connection.clientSecret),
    {
      [oidc.customFetch]: (url, options) => fetchPublic(url, options as Parameters<typeof fetchPublic>[1]),
      // The ID token's signature is checked against the issuer's published keys (jwks_uri) too, not only
      // trusted because it came over TLS: a misdirected or intercepted token endpoint answer cannot sign in.
      // Plain http passes checkRemoteUrl only on loopback under the test setting OAUTH_ALLOW_LOOPBACK_HTTP.
      execute: [
        oidc.enableNonRepudiationChecks,
        ...(checked.url.protocol === 'http:' ? [oidc.allowInsecureRequests] : []),
      ],
    },
  );
}

/**
 * Reads the identity provider's discovery document as a sign-in would, for the admin who just saved the
 * settings: null when it works, else what to fix (most often an issuer URL that differs from the document's
 * `issuer` by a trailing slash). Only a warning: the settings are saved either way.
 */
export async function issuerProblem(connection: Pick<SsoConnection, 'issuer' | 'clientId'>): Promise<string | null> {
  try {
    // Discovery sends no secret; a placeholder stands in for the stored one, which stays sealed.
    await configurationFor({ ...connection, clientSecret: 'unused' } as SsoConnection);
    return null;
  } catch (error) {
    if (error instanceof RemoteFetchError) return `The identity provider could not be read: ${error.message}`;
    const cause = (error as { cause?: unknown })?.cause;
    if (cause instanceof RemoteFetchError) return `The identity provider could not be read: ${cause.message}`;
    const message = error instanceof Error ? error.message : '';
    if (/issuer/i.test(message))
      return `The discovery document at ${connection.issuer} names another issuer. Enter exactly its "issuer" value.`;
    return `${connection.issuer}/.well-known/openid-configuration is not an OpenID Connect discovery document the portal can use.`;
  }
}

export type SsoStart = { ok: true; url: string; browserToken: string } | { ok: false; error: SsoError };

/**
 * "Continue with single sign-on": finds the organization by the email's domain and prepares the trip to its
 * identity provider. The browser token goes into a short-lived httpOnly cookie; the callback must bring it.
 */
export async function startSso({ email, returnPath }: { email: string; returnPath: string }): Promise<SsoStart> {
  const connection = await findSsoConnectionForEmail({ email });
  if (!connection) return { ok: false, error: 'no_connection' };
  let config: oidc.Configuration;
  try {
    config = await configurationFor(connection);
  } catch {
    return { ok: false, error: 'unreachable' };
  }
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const browserToken = randomBytes(32).toString('base64url');
  await createSsoAuthorization({
    organizationId: connection.organizationId,
    state,
    browserToken,
    nonce,
    codeVerifier,
    returnPath,
  });
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: ssoRedirectUri(),
    scope: SSO_SCOPES,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    login_hint: email.trim(),
  });
  return { ok: true, url: url.href, browserToken };
}

/** `returnPath`: the portal page the person was going to when they started (one of the portal's own paths). */
export type SsoFinish =
  | { status: 'verified'; token: string; returnPath: string }
  | { status: 'second_factor'; token: string; methods: SecondFactorMethods; returnPath: string }
  | { status: 'refused'; error: SsoError };

const refused = (error: SsoError): SsoFinish => ({ status: 'refused', error });

/** Why the code exchange or the ID token's checks failed, in the sign-in page's words. */
function exchangeFailure(error: unknown): SsoError {
  if (error instanceof oidc.AuthorizationResponseError) return 'idp_error';
  if (error instanceof RemoteFetchError) return 'unreachable';
  const cause = (error as { cause?: unknown })?.cause;
  if (cause instanceof RemoteFetchError) return 'unreachable';
  return 'refused';
}

/**
 * The identity provider sent the person back. The trip is taken once (by its state and the browser's
 * cookie); the code is exchanged with the PKCE verifier; the ID token's issuer, audience, nonce, expiry and
 * signature are checked (openid-client), then its email (lib/sso/rules.ts) and who that is here.
 */
export async function finishSso({
  query,
  browserToken,
  context,
}: {
  query: URLSearchParams;
  browserToken: string | null;
  context: RequestContext;
}): Promise<SsoFinish> {
  const state = query.get('state');
  if (!state || !browserToken) return refused('expired');
  const trip = await consumeSsoAuthorization({ state, browserToken });
  if (!trip) return refused('expired');
  if (query.has('error')) return refused('idp_error');
  const connection = await findSsoConnection({ organizationId: trip.organizationId });
  if (!connection) return refused('no_connection');

  let claims: Record<string, unknown>;
  try {
    const config = await configurationFor(connection);
    // The redirect URI the token request must repeat is the registered one, not whatever address this
    // request reached the server by (a proxy may have rewritten it).
    const currentUrl = new URL(ssoRedirectUri());
    currentUrl.search = query.toString();
    const tokens = await oidc.authorizationCodeGrant(config, currentUrl, {
      pkceCodeVerifier: trip.codeVerifier,
      expectedState: state,
      expectedNonce: trip.nonce,
      idTokenExpected: true,
    });
    claims = { ...(tokens.claims() ?? {}) };
  } catch (error) {
    return refused(exchangeFailure(error));
  }

  const identity = checkIdentityClaims(claims, connection.domains);
  if (!identity.ok) return refused(identity.reason);
  const person = await resolveSsoPerson({
    organizationId: connection.organizationId,
    email: identity.email,
    name: identity.name,
    createAccounts: connection.createAccounts,
    // A password nobody knows: the account signs in through its identity provider until someone sets one.
    passwordHash: async () => {
      const hashed = await withPasswordCheckSlot(() => hashPassword(randomBytes(32).toString('base64url')));
      if (!hashed.ok) throw new Error('No password-hashing slot came free for a new single sign-on account.');
      return hashed.value;
    },
    context,
  });
  if (!person.ok) return refused(person.reason);

  const factors = await getTwoFactorStatus({ userId: person.userId });
  if (!factors.enabled || connection.idpSatisfiesTwoFactor) {
    const { token } = await createSignInChallenge({
      userId: person.userId,
      verified: true,
      method: 'sso',
      organizationId: connection.organizationId,
      context,
    });
    return { status: 'verified', token, returnPath: trip.returnPath };
  }
  const { token } = await createSignInChallenge({
    userId: person.userId,
    verified: false,
    method: 'sso',
    organizationId: connection.organizationId,
    context,
  });
  return {
    status: 'second_factor',
    token,
    methods: { totp: factors.totp, passkey: factors.passkeys.length > 0, recovery: factors.recoveryCodesLeft > 0 },
    returnPath: trip.returnPath,
  };
}
