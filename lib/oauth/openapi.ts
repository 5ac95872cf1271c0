import { EVENT_CATALOGUE, EVENT_TYPES, payloadSchema } from '@/lib/events/catalogue';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  MAX_TOKEN_REQUEST_BYTES,
  SUPPORTED_SCOPES,
  tokenSettings,
} from '@/lib/oauth/settings';
import { tokenErrorCodes, tokenErrorsByStatus, type OAuthEndpoint } from '@/lib/oauth/errors';
import { ACCESS_TOKEN_TYPE, JWT_BEARER_ASSERTION, JWT_TOKEN_TYPE, TOKEN_EXCHANGE } from '@/lib/oauth/token-request';
import { WORKLOAD_TOKEN_ALGORITHMS } from '@/lib/oauth/workload-issuers';
import { PUBLIC_KEY_ALGORITHMS } from '@/lib/credentials/public-key';
import { MAX_ASSERTION_LIFETIME_SECONDS } from '@/lib/oauth/assertion-claims';

/** Every answer of the OAuth endpoints, success or error, carries them (lib/oauth/errors.ts, server/token-route.ts). */
const ANSWER_HEADERS = {
  'Cache-Control': { schema: { type: 'string', const: 'no-store' } },
  'Request-Id': {
    schema: { type: 'string', pattern: '^req_[0-9A-Za-z]{22}$' },
    description:
      'The request’s id: log it with every refusal; the portal’s Request log finds the request and its reason by it.',
  },
};

/** An endpoint's error responses, from the same table its error mapper answers with. */
function tokenErrorResponses(endpoint: OAuthEndpoint = 'token') {
  return Object.fromEntries(
    Object.entries(tokenErrorsByStatus(endpoint)).map(([status, { errors, summaries, retryAfter }]) => [
      status,
      {
        description: `Error (RFC 6749 §5.2): ${errors.join(', ')} (${summaries.join('; ')})`,
        headers: {
          ...ANSWER_HEADERS,
          ...(retryAfter ? { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } } : {}),
        },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/OAuthError' } } },
      },
    ]),
  );
}

/** The form of a revocation or introspection request: the token and the client's authentication. */
function presentedTokenBody(token: string) {
  return {
    required: true,
    content: {
      'application/x-www-form-urlencoded': {
        schema: {
          type: 'object',
          required: ['token'],
          properties: {
            token: { type: 'string', description: token },
            token_type_hint: {
              type: 'string',
              description: 'Optional and not needed: access tokens are the only tokens issued.',
            },
            client_id: { type: 'string', description: 'Required with client_secret in the body.' },
            client_secret: { type: 'string', description: 'Unless HTTP Basic or a client assertion is used.' },
            client_assertion_type: {
              type: 'string',
              const: JWT_BEARER_ASSERTION,
            },
            client_assertion: { type: 'string', description: 'A JWT signed with a public-key credential’s key.' },
          },
        },
      },
    },
  };
}

/**
 * The events sent to an organization's webhook endpoints (OpenAPI 3.1 `webhooks`): one operation per type,
 * its payload's JSON Schema from the catalogue, and the Standard Webhooks headers every attempt carries.
 */
function webhookOperations() {
  const header = (description: string, example: string) => ({
    in: 'header',
    required: true,
    description,
    schema: { type: 'string' },
    example,
  });
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `webhook_${type.replace('.', '_')}`,
          summary: type,
          description: `${EVENT_CATALOGUE[type].summary} Signed per Standard Webhooks v1: verify webhook-signature (HMAC-SHA256 of "webhook-id.webhook-timestamp.body" with the endpoint's signing secret; after a roll, two signatures for 24 hours) before trusting the body, and reject a timestamp more than five minutes off. Answer 2xx within 15 s; anything else, redirects included, is retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h with the same webhook-id.`,
          parameters: [
            {
              name: 'webhook-id',
              ...header(
                'The message id: the same on every attempt of one message.',
                'msg_4f9c0d5e6a7b48c1b2d3e4f5a6b7c8d9',
              ),
            },
            {
              name: 'webhook-timestamp',
              ...header('Seconds since the epoch when this attempt was signed.', '1796630400'),
            },
            {
              name: 'webhook-signature',
              ...header(
                'Space-separated v1,<base64 HMAC-SHA256> signatures.',
                'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
              ),
            },
          ],
          requestBody: { required: true, content: { 'application/json': { schema: payloadSchema(type) } } },
          responses: { '2XX': { description: 'Received. Any other answer is retried.' } },
        },
      },
    ]),
  );
}

/** OpenAPI 3.1 description of the authorization API and the endpoints that verify its tokens. */
export function openApiDocument() {
  const { issuer, audience } = tokenSettings();
  return {
    openapi: '3.1.0',
    info: {
      title: 'Authorization API',
      version: '1.0.0',
      description:
        'Obtain access tokens with the client credentials grant (RFC 6749 §4.4) using the Client ID and an active secret from the Credentials page, or, for a trusted workload, by exchanging the token its platform issued to it (RFC 8693).',
    },
    servers: [{ url: issuer, description: 'Authorization base URL' }],
    paths: {
      '/api/oauth/token': {
        post: {
          operationId: 'createAccessToken',
          summary: 'Obtain an access token',
          description: `Client credentials (RFC 6749 §4.4): authenticate with exactly one of HTTP Basic (client_secret_basic); client_id and client_secret in the body (client_secret_post); or a JWT signed with one of the client's public keys in client_assertion (private_key_jwt, RFC 7523 §2.2: iss = sub = the Client ID, aud = the token endpoint URL or the issuer, exp at most ${MAX_ASSERTION_LIFETIME_SECONDS / 60} minutes ahead, a jti used once, signed with ${PUBLIC_KEY_ALGORITHMS.join(', ')}). Token exchange for a trusted workload (RFC 8693): send grant_type=${TOKEN_EXCHANGE}, the account's client_id, subject_token (the JWT the workload's platform issued) and subject_token_type=${JWT_TOKEN_TYPE}; no secret is needed. The token is checked against the issuer's published keys (found through its /.well-known/openid-configuration) and the account's trusted workloads (issuer, audience, subject pattern); the access token's sub is the workload token's sub. Bodies over ${MAX_TOKEN_REQUEST_BYTES} bytes are refused. Repeated failures, refused workload tokens included, are rate-limited per client and per address.`,
          security: [{}, { clientSecretBasic: [] }],
          requestBody: {
            required: true,
            content: {
              'application/x-www-form-urlencoded': {
                schema: {
                  type: 'object',
                  required: ['grant_type'],
                  properties: {
                    grant_type: { type: 'string', enum: ['client_credentials', TOKEN_EXCHANGE] },
                    client_id: {
                      type: 'string',
                      description:
                        'Required with client_secret in the body; optional with client_assertion (then it must equal the assertion iss). For token exchange: the Client ID of the account that trusts the workload.',
                    },
                    client_secret: {
                      type: 'string',
                      description: 'Required unless HTTP Basic is used; not needed for token exchange.',
                      pattern: '^uqs_[0-9A-Za-z]{49}$',
                    },
                    client_assertion_type: {
                      type: 'string',
                      const: JWT_BEARER_ASSERTION,
                      description: 'With client_assertion (private_key_jwt).',
                    },
                    client_assertion: {
                      type: 'string',
                      description:
                        'A compact JWS signed with a public key of the client (pasted on the Credentials page or published at its JWKS URL; kid selects it).',
                    },
                    scope: {
                      type: 'string',
                      description: `Space-separated, from: ${SUPPORTED_SCOPES.join(', ')}. Each must be allowed by the credential used (else invalid_scope); defaults to the credential's scopes.`,
                    },
                    subject_token: {
                      type: 'string',
                      description: `Token exchange: the JWT the workload's platform issued to it (signed with one of ${WORKLOAD_TOKEN_ALGORITHMS.join(', ')}), whose iss, aud and sub a trusted workload of the account accepts. It must be valid for at most 24 hours (exp - iat), and its sub must hold no control characters and no .. path segment.`,
                      maxLength: 8192,
                    },
                    subject_token_type: { type: 'string', const: JWT_TOKEN_TYPE },
                    requested_token_type: {
                      type: 'string',
                      const: ACCESS_TOKEN_TYPE,
                      description: 'Token exchange: optional; an access token is the only type issued.',
                    },
                    audience: {
                      type: 'string',
                      const: audience,
                      description:
                        'Token exchange: optional; tokens are for the API base URL only (else invalid_target).',
                    },
                    resource: {
                      type: 'string',
                      const: audience,
                      description:
                        'Token exchange: optional; tokens are for the API base URL only (else invalid_target).',
                    },
                  },
                  // A workload sends its platform's token and the account's Client ID, and no secret.
                  oneOf: [
                    { properties: { grant_type: { const: 'client_credentials' } } },
                    {
                      properties: { grant_type: { const: TOKEN_EXCHANGE } },
                      required: ['client_id', 'subject_token', 'subject_token_type'],
                    },
                  ],
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'An access token',
              headers: ANSWER_HEADERS,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/TokenResponse' } } },
            },
            ...tokenErrorResponses(),
          },
        },
      },
      '/api/oauth/revoke': {
        post: {
          operationId: 'revokeAccessToken',
          summary: 'Revoke an access token (RFC 7009)',
          description:
            'Revokes one of your client’s access tokens. When the answer arrives, every instance refuses the token (/api/v1/me answers 401 for it). An unknown, malformed or expired token is answered 200 as well (RFC 7009 §2.2); another client’s token is refused with unauthorized_client and keeps working.',
          security: [{}, { clientSecretBasic: [] }],
          requestBody: presentedTokenBody('The access token to revoke.'),
          responses: {
            '200': {
              description: 'Revoked, or nothing to revoke. The body is empty.',
              headers: ANSWER_HEADERS,
            },
            ...tokenErrorResponses('revocation'),
          },
        },
      },
      '/api/oauth/introspect': {
        post: {
          operationId: 'introspectAccessToken',
          summary: 'Introspect an access token (RFC 7662)',
          description:
            'Tells whether one of your client’s access tokens is active, exactly as /api/v1/me would judge it, and its claims. Anything else — unknown, malformed, expired, revoked (on its own or with its credential) or another client’s — is {"active": false}.',
          security: [{}, { clientSecretBasic: [] }],
          requestBody: presentedTokenBody('The access token to introspect.'),
          responses: {
            '200': {
              description: 'Whether the token is active, and if so its claims',
              headers: ANSWER_HEADERS,
              content: { 'application/json': { schema: { $ref: '#/components/schemas/IntrospectionResponse' } } },
            },
            ...tokenErrorResponses('introspection'),
          },
        },
      },
      '/.well-known/jwks.json': {
        get: {
          operationId: 'getJwks',
          summary: 'Public keys that verify access tokens',
          responses: {
            '200': {
              description: 'JSON Web Key Set (RFC 7517)',
              content: { 'application/json': { schema: { type: 'object' } } },
            },
          },
        },
      },
      '/.well-known/oauth-authorization-server': {
        get: {
          operationId: 'getMetadata',
          summary: 'Authorization server metadata (RFC 8414)',
          responses: {
            '200': { description: 'Metadata', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/api/v1/me': {
        servers: [{ url: audience.replace(/\/api\/v1$/, ''), description: 'API base URL without /api/v1' }],
        get: {
          operationId: 'getCurrentClient',
          summary: 'The client an access token belongs to',
          security: [{ bearerAuth: [] }],
          responses: {
            '200': {
              description: 'The client',
              content: {
                'application/json': {
                  schema: {
                    type: 'object',
                    required: ['client_id', 'scope', 'expires_at'],
                    properties: {
                      client_id: { type: 'string' },
                      scope: { type: 'string' },
                      expires_at: { type: 'string', format: 'date-time' },
                    },
                  },
                },
              },
            },
            '401': {
              description: 'Missing, malformed, expired or foreign token',
              headers: { 'WWW-Authenticate': { schema: { type: 'string', const: 'Bearer error="invalid_token"' } } },
            },
          },
        },
      },
    },
    webhooks: webhookOperations(),
    components: {
      securitySchemes: {
        clientSecretBasic: { type: 'http', scheme: 'basic', description: 'Client ID and secret, each form-urlencoded' },
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (ES256, RFC 9068)' },
      },
      schemas: {
        TokenResponse: {
          type: 'object',
          required: ['access_token', 'token_type', 'expires_in', 'scope', 'jti'],
          properties: {
            access_token: {
              type: 'string',
              description: 'A JWS signed with ES256; verify it with /.well-known/jwks.json',
            },
            token_type: { type: 'string', const: 'bearer' },
            issued_token_type: {
              type: 'string',
              const: ACCESS_TOKEN_TYPE,
              description: 'Token exchange only (RFC 8693 §2.2.1).',
            },
            expires_in: { type: 'integer', const: ACCESS_TOKEN_TTL_SECONDS },
            scope: { type: 'string' },
            jti: { type: 'string', format: 'uuid' },
          },
        },
        IntrospectionResponse: {
          type: 'object',
          required: ['active'],
          description: 'With active false, nothing else is said.',
          properties: {
            active: { type: 'boolean' },
            scope: { type: 'string' },
            client_id: { type: 'string' },
            sub: { type: 'string', description: 'The Client ID, or a trusted workload’s subject' },
            aud: { type: 'string' },
            iss: { type: 'string' },
            exp: { type: 'integer' },
            iat: { type: 'integer' },
            jti: { type: 'string', format: 'uuid' },
            token_type: { type: 'string', const: 'Bearer' },
            secret_id: { type: 'string', format: 'uuid', description: 'Your credential that obtained the token' },
          },
        },
        OAuthError: {
          type: 'object',
          required: ['error'],
          properties: {
            error: { type: 'string', enum: tokenErrorCodes() },
            error_description: { type: 'string' },
          },
        },
      },
    },
  };
}
