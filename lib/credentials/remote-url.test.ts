import { describe, expect, it } from 'vitest';
import { addressRefusal, checkRemoteUrl } from './remote-url';

const strict = { allowLoopbackHttp: false };
const loopbackAllowed = { allowLoopbackHttp: true };
const messageOf = (text: string, options = strict) => {
  const checked = checkRemoteUrl(text, options);
  return checked.ok ? 'ok' : checked.message;
};

describe('checkRemoteUrl allows', () => {
  it('https on a host name or a public address', () => {
    expect(messageOf('https://keys.example/jwks.json')).toBe('ok');
    expect(messageOf('https://93.184.215.14/jwks.json')).toBe('ok');
    expect(messageOf('https://[2606:4700::6810:84e5]/jwks.json')).toBe('ok');
  });

  it('loopback, over http too, under the test setting only', () => {
    for (const url of ['http://127.0.0.1:4010/jwks', 'http://[::1]:4010/jwks', 'https://127.0.0.1:4010/jwks'])
      expect(messageOf(url, loopbackAllowed)).toBe('ok');
  });
});

describe('checkRemoteUrl blocks hosts written as addresses that are not public', () => {
  it.each([
    ['https://127.0.0.1:4010/jwks', '127.0.0.1 is a loopback address'],
    // The URL parser turns the decimal and hexadecimal spellings into the dotted address first.
    ['https://2130706433:4010/jwks', '127.0.0.1 is a loopback address'],
    ['https://0x7f.1/jwks', '127.0.0.1 is a loopback address'],
    ['https://[::1]:4010/jwks', '::1 is a loopback address'],
    ['https://[::ffff:127.0.0.1]:4010/jwks', '::ffff:7f00:1 is a loopback address'],
    ['https://10.0.0.1/jwks', '10.0.0.1 is a private address'],
    ['https://192.168.1.20/jwks', '192.168.1.20 is a private address'],
    ['https://[::ffff:10.0.0.1]/jwks', '::ffff:a00:1 is a private address'],
    ['https://169.254.169.254/latest/meta-data', '169.254.169.254 is a link-local (cloud metadata) address'],
    ['https://[fd00::1]/jwks', 'fd00::1 is a private (unique-local) address'],
    ['https://[fe80::1]/jwks', 'fe80::1 is a link-local (cloud metadata) address'],
    ['https://0.0.0.0/jwks', '0.0.0.0 is an unspecified address'],
  ])('%s', (url, reason) => {
    expect(messageOf(url)).toBe(`The server fetches only from public hosts: ${reason}, not a public one.`);
  });

  it('private and link-local ones under the test setting too', () => {
    for (const url of ['https://10.0.0.1/jwks', 'https://169.254.169.254/', 'http://10.0.0.1/jwks'])
      expect(messageOf(url, loopbackAllowed)).not.toBe('ok');
  });
});

describe('addressRefusal', () => {
  it('counts an IPv4-mapped address as the address it carries', () => {
    expect(addressRefusal('::ffff:93.184.215.14', { allowLoopback: false })).toBeNull();
    expect(addressRefusal('::ffff:127.0.0.1', { allowLoopback: true })).toBeNull();
    expect(addressRefusal('::ffff:127.0.0.1', { allowLoopback: false })).toMatch(/loopback/);
  });
});
