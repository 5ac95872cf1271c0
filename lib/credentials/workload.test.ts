import { describe, expect, it } from 'vitest';
import { previewJwksUrl, previewPublicKey, previewWorkload, shorten } from './credential-preview';
import { checkRemoteUrl } from './remote-url';
import { checkWorkload } from './workload';

const github = {
  issuer: 'https://token.actions.githubusercontent.com',
  audience: 'https://portal.example',
  subject: 'repo:acme/payments:ref:refs/heads/main',
};
const strict = { allowLoopbackHttp: false };

describe('checkWorkload', () => {
  it('allows a GitHub Actions workload, stored exactly as typed but trimmed (no slash added)', () => {
    expect(checkWorkload({ ...github, issuer: `  ${github.issuer} ` }, strict)).toEqual({ ok: true, workload: github });
    const slash = checkWorkload({ ...github, issuer: `${github.issuer}/` }, strict);
    expect(slash.ok && slash.workload.issuer).toBe(`${github.issuer}/`);
  });

  it('blocks an http issuer unless loopback is allowed, and then only on loopback', () => {
    const http = { ...github, issuer: 'http://127.0.0.1:4000/issuer' };
    expect(checkWorkload(http, strict)).toEqual({ ok: false, fieldErrors: { issuer: 'Use an https:// URL.' } });
    expect(checkWorkload(http, { allowLoopbackHttp: true }).ok).toBe(true);
    expect(checkWorkload({ ...http, issuer: 'http://issuer.example' }, { allowLoopbackHttp: true }).ok).toBe(false);
  });

  it('blocks issuers that are not plain URLs, each error next to its field', () => {
    const issuerError = (issuer: string) => {
      const result = checkWorkload({ ...github, issuer }, strict);
      return result.ok ? null : result.fieldErrors.issuer;
    };
    expect(issuerError('token.actions.githubusercontent.com')).toContain('Enter a full URL');
    expect(issuerError('https://u:p@issuer.example')).toContain('user name and password');
    expect(issuerError('https://issuer.example/#x')).toContain('#fragment');
    expect(issuerError('https://issuer.example/?tenant=1')).toContain('?query');
    expect(issuerError('')).toContain('Enter the issuer URL');
    expect(issuerError(`https://issuer.example/${'a'.repeat(600)}`)).toContain('at most 512');
  });

  it('blocks an empty, overlong or invisible audience and subject, and a subject pattern that leaves the owner open', () => {
    const result = checkWorkload({ issuer: github.issuer, audience: ' ', subject: '*' }, strict);
    expect(result).toEqual({
      ok: false,
      fieldErrors: {
        audience: 'Enter the audience.',
        subject: expect.stringContaining('Keep the owner literal'),
      },
    });
    const long = checkWorkload({ ...github, audience: 'a'.repeat(257), subject: `repo:x\u200b` }, strict);
    expect(long.ok ? null : long.fieldErrors).toEqual({
      audience: 'Use at most 256 characters.',
      subject: 'Remove control or invisible characters from the subject pattern.',
    });
    expect(checkWorkload({ ...github, subject: 'repo:acme/*:ref:refs/heads/main' }, strict).ok).toBe(true);
  });

  it('allows a * only once the owner is spelled out in full', () => {
    const subjectOk = (subject: string) => checkWorkload({ ...github, subject }, strict).ok;
    // repo:acme* would also match repo:acme-evil/…; repo:* every repository on GitHub.
    for (const open of ['*', 'repo:*', 'repo:acme*', 'repo*', 'repo:acme', 'repo:*/payments'])
      expect(subjectOk(open), open).toBe(!open.includes('*'));
    for (const closed of [
      'repo:acme/*',
      'repo:acme/payments:*',
      'repo:acme/payments:ref:refs/heads/release-*',
      'repo:acme/payments:environment:production',
      'system:serviceaccount:payments:*',
    ])
      expect(subjectOk(closed), closed).toBe(true);
  });
});

describe('checkRemoteUrl', () => {
  it('allows https and, when allowed, http on loopback only', () => {
    expect(checkRemoteUrl('https://keys.example/jwks.json', strict).ok).toBe(true);
    expect(checkRemoteUrl('http://localhost:3000/jwks', strict).ok).toBe(false);
    expect(checkRemoteUrl('http://localhost:3000/jwks', { allowLoopbackHttp: true }).ok).toBe(true);
    expect(checkRemoteUrl('http://[::1]/jwks', { allowLoopbackHttp: true }).ok).toBe(true);
    expect(checkRemoteUrl('http://10.0.0.1/jwks', { allowLoopbackHttp: true }).ok).toBe(false);
    expect(checkRemoteUrl('ftp://keys.example/jwks', strict).ok).toBe(false);
  });
});

describe('credential previews', () => {
  it('shortens long text around an ellipsis and keeps short text whole', () => {
    expect(shorten('abcdef', 6)).toBe('abcdef');
    expect(shorten('abcdefghijklmnop', 9)).toBe('abcd…mnop');
    expect(previewPublicKey({ alg: 'ES256', kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs' })).toBe(
      'ES256 · NzbLsX…RGC9Xs',
    );
    expect(previewPublicKey({ alg: 'EdDSA', kid: 'ci-2026' })).toBe('EdDSA · ci-2026');
    expect(previewJwksUrl('https://keys.acme.example/.well-known/jwks.json')).toBe(
      'keys.acme.example/.well-known/jwks.json',
    );
    expect(previewJwksUrl('https://keys.acme.example/')).toBe('keys.acme.example');
    expect(previewWorkload('repo:acme/payments:ref:refs/heads/main')).toBe('repo:acme/payments:ref:refs/heads/main');
    expect(previewWorkload(`repo:acme/${'x'.repeat(100)}`)).toHaveLength(40);
  });
});
