import { publicUrls } from '@/lib/config';
import { env } from '@/lib/env';

export { ACCESS_TOKEN_TTL_SECONDS } from '@/lib/credentials/rules';
/** Room for a client assertion or a workload token of up to 8 KiB with the other parameters. */
export const MAX_TOKEN_REQUEST_BYTES = 16_384;

/** Scopes a client may ask for; a request without `scope` gets all its credential allows. */
export { CREDENTIAL_SCOPES as SUPPORTED_SCOPES } from '@/lib/credentials/rules';

/** Where the OAuth endpoints are served, below the authorization base URL. */
export const OAUTH_PATHS = {
  token: '/api/oauth/token',
  revocation: '/api/oauth/revoke',
  introspection: '/api/oauth/introspect',
} as const;

type TokenSettings = { readonly issuer: string; readonly audience: string; readonly tokenEndpoint: string };
let settings: TokenSettings | undefined;

/**
 * Issuer and audience of access tokens: the authorization and API base URLs shown on the credentials page;
 * and the token endpoint's URL as the metadata advertises it (a client assertion's `aud`). Read from the
 * environment once: a running server never changes them, and every request path asks for them.
 */
export function tokenSettings(): TokenSettings {
  if (!settings) {
    const urls = publicUrls(`http://localhost:${env.PORT}`);
    settings = Object.freeze({
      issuer: urls.authorizationBaseUrl,
      audience: urls.apiBaseUrl,
      tokenEndpoint: `${urls.authorizationBaseUrl}${OAUTH_PATHS.token}`,
    });
  }
  return settings;
}
