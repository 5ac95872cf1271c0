// GET /.well-known/oauth-authorization-server — authorization server metadata (RFC 8414).
import { OAUTH_PATHS, SUPPORTED_SCOPES, tokenSettings } from '@/lib/oauth/settings';
import { TOKEN_EXCHANGE } from '@/lib/oauth/token-request';
import { PUBLIC_KEY_ALGORITHMS } from '@/lib/credentials/public-key';

export const dynamic = 'force-dynamic';

/** How a client authenticates to the token, revocation and introspection endpoints (RFC 7009 §2.1, RFC 7662 §2.1). */
const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

export function GET(): Response {
  const { issuer, tokenEndpoint } = tokenSettings();
  return Response.json(
    {
      issuer,
      token_endpoint: tokenEndpoint,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials', TOKEN_EXCHANGE],
      token_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      // RFC 8414 §2: required beside private_key_jwt; the algorithms a public-key credential may have.
      token_endpoint_auth_signing_alg_values_supported: PUBLIC_KEY_ALGORITHMS,
      revocation_endpoint: `${issuer}${OAUTH_PATHS.revocation}`,
      revocation_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      revocation_endpoint_auth_signing_alg_values_supported: PUBLIC_KEY_ALGORITHMS,
      introspection_endpoint: `${issuer}${OAUTH_PATHS.introspection}`,
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH_METHODS,
      introspection_endpoint_auth_signing_alg_values_supported: PUBLIC_KEY_ALGORITHMS,
      scopes_supported: SUPPORTED_SCOPES,
      response_types_supported: [],
      service_documentation: `${issuer}/api/openapi.json`,
    },
    { headers: { 'Cache-Control': 'public, max-age=300' } },
  );
}
