import { describe, expect, it } from 'vitest';
import { OAuthError, oauthErrorResponse } from '@/lib/oauth/errors';

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
