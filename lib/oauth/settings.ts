import { publicUrls } from '@/lib/config';
import { env } from '@/lib/env';

export { ACCESS_TOKEN_TTL_SECONDS } from '@/lib/secrets/rules';
export const MAX_TOKEN_REQUEST_BYTES = 4096;

/** Scopes a client may ask for; a request without `scope` gets all of them. */
export const SUPPORTED_SCOPES = ['sdk', 'api'] as const;

/** Issuer and audience of access tokens: the authorization and API base URLs shown on the credentials page. */
export function tokenSettings() {
  const urls = publicUrls(`http://localhost:${env.PORT}`);
  return { issuer: urls.authorizationBaseUrl, audience: urls.apiBaseUrl };
}
