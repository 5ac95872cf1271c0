import { describe, expect, it } from 'vitest';
import { OAuthError } from '@/lib/oauth/errors';
import { JWT_TOKEN_TYPE, TOKEN_EXCHANGE, parseTokenRequest, type RawTokenRequest } from '@/lib/oauth/token-request';
import { SUPPORTED_SCOPES, tokenSettings } from '@/lib/oauth/settings';

const FORM = 'application/x-www-form-urlencoded';
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
const request = (body: string | null, extra: Partial<RawTokenRequest> = {}): RawTokenRequest => ({
  contentType: FORM,
  authorization: null,
  body,
  ...extra,
});

function refusal(raw: RawTokenRequest): { kind: string; code: string; status: number } {
  try {
    parseTokenRequest(raw);
  } catch (error) {
    if (error instanceof OAuthError) return { kind: error.kind, code: error.code, status: error.status };
    throw error;
  }
  throw new Error('accepted');
}

describe('parseTokenRequest', () => {
  it('allows client_secret_post and client_secret_basic; without scope the credential decides', () => {
    expect(parseTokenRequest(request('grant_type=client_credentials&client_id=abc&client_secret=s3cret'))).toEqual({
      grantType: 'client_credentials',
      client: { method: 'client_secret_post', clientId: 'abc', clientSecret: 's3cret' },
      scopes: null,
    });
    expect(
      parseTokenRequest(request('grant_type=client_credentials&scope=sdk', { authorization: basic('a b', 's:c+t') })),
    ).toEqual({
      grantType: 'client_credentials',
      client: { method: 'client_secret_basic', clientId: 'a b', clientSecret: 's:c+t' },
      scopes: ['sdk'],
    });
    expect(
      parseTokenRequest(
        request('grant_type=client_credentials&client_id=abc', {
          authorization: basic('abc', 'x'),
          contentType: `${FORM}; charset=utf-8`,
        }),
      ).client.clientId,
    ).toBe('abc');
  });

  it('blocks a wrong content type, an oversized body, repeated or missing parameters', () => {
    expect(refusal(request('grant_type=client_credentials', { contentType: 'application/json' }))).toMatchObject({
      code: 'invalid_request',
      status: 400,
    });
    expect(refusal(request(null))).toMatchObject({ code: 'invalid_request', status: 400 });
    expect(
      refusal(request('grant_type=client_credentials&grant_type=client_credentials&client_id=a&client_secret=b')),
    ).toMatchObject({ code: 'invalid_request' });
    expect(refusal(request('client_id=a&client_secret=b'))).toMatchObject({ code: 'invalid_request' });
    expect(
      refusal(request(`grant_type=client_credentials&client_id=${'a'.repeat(513)}&client_secret=b`)),
    ).toMatchObject({ code: 'invalid_request' });
  });

  it('blocks two authentication methods, a mismatched client_id, and missing or malformed credentials', () => {
    expect(
      refusal(request('grant_type=client_credentials&client_secret=b', { authorization: basic('a', 'b') })),
    ).toMatchObject({ code: 'invalid_request' });
    expect(
      refusal(request('grant_type=client_credentials&client_id=other', { authorization: basic('a', 'b') })),
    ).toMatchObject({ code: 'invalid_request' });
    expect(refusal(request('grant_type=client_credentials&client_id=a'))).toMatchObject({
      code: 'invalid_client',
      status: 401,
    });
    expect(refusal(request('grant_type=client_credentials', { authorization: 'Basic !!!' }))).toMatchObject({
      code: 'invalid_client',
    });
    expect(
      refusal(
        request('grant_type=client_credentials', {
          authorization: `Basic ${Buffer.from('no-colon').toString('base64')}`,
        }),
      ),
    ).toMatchObject({ code: 'invalid_client' });
  });

  it('blocks other grants and unknown scopes', () => {
    expect(refusal(request('grant_type=password&client_id=a&client_secret=b'))).toMatchObject({
      code: 'unsupported_grant_type',
      status: 400,
    });
    expect(refusal(request('grant_type=client_credentials&client_id=a&client_secret=b&scope=admin'))).toMatchObject({
      code: 'invalid_scope',
      status: 400,
    });
    expect(
      refusal(request(`grant_type=client_credentials&client_id=a&client_secret=b&scope=${SUPPORTED_SCOPES[0]}%20x`)),
    ).toMatchObject({ code: 'invalid_scope' });
  });

  it('allows a token exchange with the Client ID alone, or with client authentication too', () => {
    const exchange = `grant_type=${encodeURIComponent(TOKEN_EXCHANGE)}&subject_token=a.b.c&subject_token_type=${encodeURIComponent(JWT_TOKEN_TYPE)}`;
    expect(parseTokenRequest(request(`${exchange}&client_id=abc&scope=sdk`))).toEqual({
      grantType: TOKEN_EXCHANGE,
      client: { method: 'none', clientId: 'abc' },
      subjectToken: 'a.b.c',
      subjectTokenType: JWT_TOKEN_TYPE,
      scopes: ['sdk'],
    });
    expect(parseTokenRequest(request(exchange, { authorization: basic('abc', 's') })).client).toEqual({
      method: 'client_secret_basic',
      clientId: 'abc',
      clientSecret: 's',
    });
    expect(
      parseTokenRequest(request(`${exchange}&client_id=abc&audience=${encodeURIComponent(tokenSettings().audience)}`))
        .grantType,
    ).toBe(TOKEN_EXCHANGE);
  });

  it('blocks a token exchange without client_id, of another token type, with delegation or another target', () => {
    const grant = `grant_type=${encodeURIComponent(TOKEN_EXCHANGE)}&subject_token=a.b.c`;
    const jwt = `subject_token_type=${encodeURIComponent(JWT_TOKEN_TYPE)}`;
    expect(refusal(request(`${grant}&${jwt}`))).toMatchObject({ code: 'invalid_request' });
    expect(refusal(request(`${grant}&client_id=a`))).toMatchObject({ code: 'invalid_request' });
    expect(
      refusal(request(`${grant}&client_id=a&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aid_token`)),
    ).toMatchObject({ code: 'invalid_request' });
    expect(refusal(request(`${grant}&${jwt}&client_id=a&actor_token=x.y.z`))).toMatchObject({
      code: 'invalid_request',
    });
    expect(refusal(request(`${grant}&${jwt}&client_id=a&requested_token_type=x`))).toMatchObject({
      code: 'invalid_request',
    });
    expect(refusal(request(`${grant}&${jwt}&client_id=a&audience=https%3A%2F%2Fother.example`))).toMatchObject({
      code: 'invalid_target',
      status: 400,
    });
    expect(refusal(request(`${grant}&${jwt}&client_id=a&resource=https%3A%2F%2Fother.example`))).toMatchObject({
      code: 'invalid_target',
    });
  });
});
