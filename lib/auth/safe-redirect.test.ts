import { describe, expect, it } from 'vitest';
import { safeCallbackPath } from './safe-redirect';

const PORTAL = 'https://portal.example.test';

describe('safeCallbackPath', () => {
  it.each([
    ['/credentials', '/credentials'],
    ['/credentials/abc?x=1#y', '/credentials/abc?x=1#y'],
    ['/security', '/security'],
    ['/audit-log?action=CREATED&actor=a%40b.test', '/audit-log?action=CREATED&actor=a%40b.test'],
    ['/credentials?q=100%25', '/credentials?q=100%25'],
    ['/a/../credentials', '/credentials'],
  ])('allows the portal path %j', (value, expected) => {
    expect(safeCallbackPath(value, PORTAL)).toBe(expected);
  });

  it.each([
    '//x',
    '/\\x',
    '/%5Cx',
    '/%5cx',
    '/%09/x',
    '/\t/x',
    '/\n/x',
    '/%0A/x',
    '/%0a//x',
    '/%00/x',
    '/\u0000/x',
    '/%2500/x',
    'https://x',
    'HTTPS://x',
    'http:x',
    'http:/x',
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    '%2F%2Fx',
    '/%2F/x',
    '/%2f%2fx',
    '/%252F%252Fx',
    '///x',
    '\\\\x',
    '\\/x',
    ' //x',
    ' /credentials',
    '/credentials ',
    '/\u00A0/x',
    '/\u2028/x',
    '/\uFEFF/x',
    '/.//x',
    '/..//x',
    '/x/..//y',
    'x',
    '.',
    '?next=/x',
    '#/x',
    '',
    'https://portal.example.test/credentials',
    'https://portal.example.test:8443/credentials',
    'http://portal.example.test/credentials',
    '//portal.example.test/credentials',
    'https://portal.example.test.evil.test/credentials',
    'https://portal.example.test@evil.test/credentials',
    '/%25252F%25252Fx',
  ])('refuses %j', (value) => {
    expect(safeCallbackPath(value, PORTAL)).toBe('/credentials');
  });

  it('refuses missing values and very long ones', () => {
    expect(safeCallbackPath(undefined, PORTAL)).toBe('/credentials');
    expect(safeCallbackPath(null, PORTAL)).toBe('/credentials');
    expect(safeCallbackPath(`/${'a'.repeat(4096)}`, PORTAL)).toBe('/credentials');
  });
});
