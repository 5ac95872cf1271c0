import { describe, expect, it } from 'vitest';
import { checkIdentityClaims, coversEmail, displayName, emailDomain, parseDomains, ssoErrorMessage } from './rules';

describe('parseDomains', () => {
  it('accepts domains separated by commas, spaces and lines, lower-cased, without repeats or a leading @', () => {
    expect(parseDomains('Example.com, @corp.example.org\nexample.com  sub.example.com')).toEqual({
      ok: true,
      domains: ['example.com', 'corp.example.org', 'sub.example.com'],
    });
  });

  it('refuses an empty list, a wildcard, an address, a URL and a single label', () => {
    expect(parseDomains(' , ')).toMatchObject({ ok: false, message: expect.stringContaining('at least one') });
    for (const bad of [
      '*.example.com',
      'ann@example.com',
      'https://example.com',
      'localhost',
      'exa_mple.com',
      '-a.com',
    ])
      expect(parseDomains(bad)).toMatchObject({ ok: false, message: expect.stringContaining('not a domain name') });
  });

  it('refuses more than twenty domains', () => {
    const many = Array.from({ length: 21 }, (_, i) => `d${i}.example`).join(',');
    expect(parseDomains(many)).toEqual({ ok: false, message: 'Enter at most 20 domains.' });
    expect(parseDomains(many.split(',').slice(0, 20).join(','))).toMatchObject({ ok: true });
  });
});

describe('emailDomain and coversEmail', () => {
  it('finds the domain of an address, lower-cased', () => {
    expect(emailDomain(' Ann@Example.COM ')).toBe('example.com');
    expect(emailDomain('no-at-sign')).toBeNull();
    expect(emailDomain('a@b@example.com')).toBeNull();
    expect(emailDomain('@example.com')).toBeNull();
  });

  it('covers the exact domain only: not a subdomain, not a look-alike suffix', () => {
    expect(coversEmail(['example.com'], 'ann@example.com')).toBe(true);
    expect(coversEmail(['example.com'], 'ann@mail.example.com')).toBe(false);
    expect(coversEmail(['example.com'], 'ann@badexample.com')).toBe(false);
    expect(coversEmail(['example.com'], 'ann@example.com.evil.test')).toBe(false);
  });
});

describe('checkIdentityClaims', () => {
  const domains = ['example.com'];

  it('accepts a verified email of a covered domain, with the name the token gives', () => {
    expect(checkIdentityClaims({ email: 'Ann@Example.com', email_verified: true, name: 'Ann Lee' }, domains)).toEqual({
      ok: true,
      email: 'ann@example.com',
      name: 'Ann Lee',
    });
  });

  it('refuses a token without an email', () => {
    expect(checkIdentityClaims({ email_verified: true }, domains)).toEqual({ ok: false, reason: 'no_email' });
    expect(checkIdentityClaims({ email: 'not an address', email_verified: true }, domains)).toEqual({
      ok: false,
      reason: 'no_email',
    });
  });

  it('refuses an email the identity provider has not verified, or says so only as text', () => {
    for (const email_verified of [false, undefined, 'true', 1])
      expect(checkIdentityClaims({ email: 'ann@example.com', email_verified }, domains)).toEqual({
        ok: false,
        reason: 'unverified_email',
      });
  });

  it('refuses an email of another domain', () => {
    expect(checkIdentityClaims({ email: 'ann@other.example', email_verified: true }, domains)).toEqual({
      ok: false,
      reason: 'foreign_domain',
    });
  });
});

describe('displayName', () => {
  it('falls back from name to given and family names to the local part', () => {
    expect(displayName({ given_name: 'Ann', family_name: 'Lee' }, 'ann@example.com')).toBe('Ann Lee');
    expect(displayName({ name: '  ' }, 'ann.lee@example.com')).toBe('ann.lee');
  });
});

describe('ssoErrorMessage', () => {
  it('knows its own codes only, never showing text from the address bar', () => {
    expect(ssoErrorMessage('unverified_email')).toContain('not verified');
    expect(ssoErrorMessage('toString')).toBeNull();
    expect(ssoErrorMessage('<script>')).toBeNull();
    expect(ssoErrorMessage(undefined)).toBeNull();
  });
});
