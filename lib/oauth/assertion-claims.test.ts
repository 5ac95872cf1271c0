import { describe, expect, it } from 'vitest';
import { CLOCK_SKEW_SECONDS, checkAssertionClaims } from './assertion-claims';

const NOW = 1_800_000_000;
const rules = {
  clientId: 'client-1',
  audiences: ['https://auth.example/api/oauth/token', 'https://auth.example'],
  now: NOW,
};
const valid = {
  iss: 'client-1',
  sub: 'client-1',
  aud: 'https://auth.example/api/oauth/token',
  exp: NOW + 60,
  iat: NOW,
  jti: 'a1',
};
const why = (claims: Record<string, unknown>) => {
  const result = checkAssertionClaims(claims, rules);
  return result.ok ? 'ok' : result.why;
};

describe('client assertion claims', () => {
  it('allows iss = sub = the client, aud naming the token endpoint or the issuer (string or array), and a jti', () => {
    expect(checkAssertionClaims(valid, rules)).toEqual({ ok: true, jti: 'a1', exp: NOW + 60 });
    expect(why({ ...valid, aud: 'https://auth.example' })).toBe('ok');
    expect(why({ ...valid, aud: ['https://other.example', 'https://auth.example'] })).toBe('ok');
    expect(why({ ...valid, iat: undefined })).toBe('ok');
  });

  it('blocks another issuer or subject, or iss ≠ sub', () => {
    expect(why({ ...valid, iss: 'client-2' })).toBe('iss is not the client');
    expect(why({ ...valid, sub: 'client-2' })).toBe('sub is not the client');
    expect(why({ ...valid, sub: undefined })).toBe('sub is not the client');
  });

  it('blocks an aud that names neither the token endpoint nor the issuer', () => {
    for (const aud of ['https://auth.example/api/oauth/token/', 'https://evil.example', [], [42], undefined])
      expect(why({ ...valid, aud })).toBe('aud names neither the token endpoint nor the issuer');
  });

  it('requires exp, not past beyond the skew, and at most five minutes ahead (plus skew)', () => {
    expect(why({ ...valid, exp: undefined })).toBe('exp is missing');
    expect(why({ ...valid, exp: String(NOW + 60) })).toBe('exp is missing');
    expect(why({ ...valid, exp: NOW - CLOCK_SKEW_SECONDS + 1 })).toBe('ok');
    expect(why({ ...valid, exp: NOW - CLOCK_SKEW_SECONDS })).toBe('expired');
    expect(why({ ...valid, exp: NOW + 300 + CLOCK_SKEW_SECONDS })).toBe('ok');
    expect(why({ ...valid, exp: NOW + 300 + CLOCK_SKEW_SECONDS + 1 })).toBe('exp is more than five minutes ahead');
  });

  it('blocks iat and nbf in the future beyond the skew', () => {
    expect(why({ ...valid, iat: NOW + CLOCK_SKEW_SECONDS })).toBe('ok');
    expect(why({ ...valid, iat: NOW + CLOCK_SKEW_SECONDS + 1 })).toBe('iat is in the future');
    expect(why({ ...valid, iat: 'now' })).toBe('iat is in the future');
    expect(why({ ...valid, nbf: NOW + CLOCK_SKEW_SECONDS })).toBe('ok');
    expect(why({ ...valid, nbf: NOW + CLOCK_SKEW_SECONDS + 1 })).toBe('not valid yet (nbf)');
  });

  it('requires a jti of at most 256 characters', () => {
    expect(why({ ...valid, jti: 'x'.repeat(256) })).toBe('ok');
    for (const jti of [undefined, '', 7, 'x'.repeat(257)])
      expect(why({ ...valid, jti })).toBe('jti is missing or too long');
  });
});
