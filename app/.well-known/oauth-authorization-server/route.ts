// GET /.well-known/oauth-authorization-server — authorization server metadata (RFC 8414).
import { SUPPORTED_SCOPES, tokenSettings } from '@/lib/oauth/settings';
import { TOKEN_EXCHANGE } from '@/lib/oauth/token-request';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  const { issuer } = tokenSettings();
  return Response.json(
    {
      issuer,
      token_endpoint: `${issuer}/api/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials', TOKEN_EXCHANGE],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      scopes_supported: SUPPORTED_SCOPES,
      response_types_supported: [],
      service_documentation: `${issuer}/api/openapi.json`,
    },
    { headers: { 'Cache-Control': 'public, max-age=300' } },
  );
}
