import { publicUrls } from '@/lib/config';
import { env } from '@/lib/env';

export { ACCESS_TOKEN_TTL_SECONDS } from '@/lib/secrets/rules';
/** Room for a client assertion or a workload token of up to 8 KiB with the other parameters. */
export const MAX_TOKEN_REQUEST_BYTES = 16_384;

/** Scopes a client may ask for; a request without `scope` gets all its credential allows. */
export { CREDENTIAL_SCOPES as SUPPORTED_SCOPES } from '@/lib/secrets/rules';

/**
 * Issuer and audience of access tokens: the authorization and API base URLs shown on the credentials page;
 * and the token endpoint's URL as the metadata advertises it (a client assertion's `aud`).
 */
export function tokenSettings() {
  const urls = publicUrls(`http://localhost:${env.PORT}`);
  return {
    issuer: urls.authorizationBaseUrl,
    audience: urls.apiBaseUrl,
    tokenEndpoint: `${urls.authorizationBaseUrl}/api/oauth/token`,
  };
}
