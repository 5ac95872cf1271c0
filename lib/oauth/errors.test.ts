import { describe, expect, it } from 'vitest';
import { ENDPOINT_ERRORS, OAuthError, TOKEN_ERRORS, oauthErrorResponse, tokenErrorCodes } from '@/lib/oauth/errors';
import { openApiDocument } from '@/lib/oauth/openapi';

describe('oauthErrorResponse', () => {
  it('answers an unreachable database with 503 temporarily_unavailable and Retry-After, never 401 or 500', () => {
    const response = oauthErrorResponse(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(response.status).toBe(503);
    expect(response.headers['Retry-After']).toBe('2');
    expect(response.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(JSON.parse(response.body)).toMatchObject({ error: 'temporarily_unavailable' });
  });

  it('keeps RFC 6749 errors and real bugs as they were', () => {
    expect(oauthErrorResponse(new OAuthError('invalid_client', 'x')).status).toBe(401);
    expect(oauthErrorResponse(new TypeError('bug'), Date.now() + 60_000).status).toBe(500);
  });
});

describe('the token error table', () => {
  it('answers every refusal in the RFC 6749 shape with its status and headers, 429 included', () => {
    const throttled = oauthErrorResponse(new OAuthError('too_many_failures', 'Too many.', { retryAfterSeconds: 37 }));
    expect(throttled.status).toBe(429);
    expect(throttled.headers).toMatchObject({
      'Retry-After': '37',
      'WWW-Authenticate': 'Basic realm="token"',
      'Cache-Control': 'no-store',
    });
    expect(JSON.parse(throttled.body)).toEqual({ error: 'invalid_client', error_description: 'Too many.' });

    const refused = oauthErrorResponse(new OAuthError('invalid_client', 'No.'));
    expect(refused.headers['WWW-Authenticate']).toBe('Basic realm="token"');
    expect(refused.headers['Retry-After']).toBeUndefined();
    expect(oauthErrorResponse(new OAuthError('method_not_allowed', 'Use POST.')).headers.Allow).toBe('POST');
    for (const kind of ['invalid_request', 'unsupported_grant_type', 'invalid_scope'] as const) {
      const response = oauthErrorResponse(new OAuthError(kind, 'x'));
      expect([response.status, JSON.parse(response.body).error]).toEqual([400, kind]);
    }
  });

  it('is what the OpenAPI document lists: 429 is invalid_client with Retry-After, never slow_down', () => {
    const document = openApiDocument();
    const responses = document.paths['/api/oauth/token'].post.responses as Record<
      string,
      { description: string; headers: Record<string, unknown> }
    >;
    for (const kind of ENDPOINT_ERRORS.token) {
      const entry = TOKEN_ERRORS[kind];
      expect(responses[String(entry.status)]?.description, kind).toContain(entry.error);
    }
    expect(responses['429']!.description).toContain('invalid_client');
    expect(responses['429']!.headers['Retry-After']).toBeDefined();
    expect(JSON.stringify(document)).not.toContain('slow_down');
    expect(document.components.schemas.OAuthError.properties.error.enum).toEqual(tokenErrorCodes());
  });

  it('documents each endpoint with its own errors: unauthorized_client at revocation only', () => {
    const paths = openApiDocument().paths as unknown as Record<
      string,
      { post: { responses: Record<string, { description: string }> } }
    >;
    const errorsOf = (path: string) =>
      Object.values(paths[path]!.post.responses)
        .map((response) => response.description)
        .join(' ');
    expect(errorsOf('/api/oauth/revoke')).toContain('unauthorized_client');
    expect(errorsOf('/api/oauth/revoke')).not.toContain('invalid_scope');
    expect(errorsOf('/api/oauth/introspect')).not.toContain('unauthorized_client');
    expect(errorsOf('/api/oauth/introspect')).toContain('temporarily_unavailable');
    expect(errorsOf('/api/oauth/token')).not.toContain('unauthorized_client');
    for (const kind of ENDPOINT_ERRORS.revocation)
      expect(errorsOf('/api/oauth/revoke')).toContain(TOKEN_ERRORS[kind].error);
  });
});
