// The guarded fetch of JWKS and discovery documents (SSRF): a URL whose host is written as an address never
// reaches Node's resolver, so the address rule must hold for it too.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fetchJson, fetchPublic, RemoteFetchError } from '@/lib/oauth/remote-fetch';

const saved = process.env.OAUTH_ALLOW_LOOPBACK_HTTP;
afterEach(() => {
  if (saved === undefined) delete process.env.OAUTH_ALLOW_LOOPBACK_HTTP;
  else process.env.OAUTH_ALLOW_LOOPBACK_HTTP = saved;
});

/** A TCP listener on every loopback address (IPv4 and IPv6) that only counts the connections it gets. */
let listener: net.Server;
let connections = 0;
let port = 0;
/** An http server on loopback that serves a small JSON document. */
let documentServer: http.Server;
let documentPort = 0;

beforeAll(async () => {
  listener = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.listen(0, '::', resolve));
  port = (listener.address() as AddressInfo).port;
  documentServer = http.createServer((request, response) => {
    if (request.url === '/large') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(`"${'x'.repeat(70 * 1024)}"`);
      return;
    }
    if (request.method === 'POST') {
      let body = '';
      request.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      request.on('end', () => {
        response.writeHead(400, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ error: 'invalid_grant', received: body }));
      });
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end('{"keys":[]}');
  });
  await new Promise<void>((resolve) => documentServer.listen(0, '127.0.0.1', resolve));
  documentPort = (documentServer.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise((resolve) => listener.close(resolve));
  await new Promise((resolve) => documentServer.close(resolve));
});

async function refusal(url: string): Promise<string> {
  const error = await fetchJson(url).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(RemoteFetchError);
  return (error as Error).message;
}

describe('fetchJson blocks, without the loopback test setting,', () => {
  it.each([
    ['https://127.0.0.1:PORT/jwks', 'loopback'],
    ['https://2130706433:PORT/jwks', 'loopback'],
    ['https://[::ffff:127.0.0.1]:PORT/jwks', 'loopback'],
    ['https://[::1]:PORT/jwks', 'loopback'],
    ['https://10.0.0.1:PORT/jwks', 'private'],
    ['https://169.254.169.254:PORT/latest/meta-data', 'link-local'],
  ])('%s, connecting to nothing', async (template, range) => {
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    const before = connections;
    const message = await refusal(template.replace('PORT', String(port)));
    expect(message).toMatch(new RegExp(`^The server fetches only from public hosts: .* is an? ${range}`));
    expect(connections).toBe(before);
  });

  it('plain http on loopback', async () => {
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    expect(await refusal(`http://127.0.0.1:${documentPort}/jwks`)).toBe('Use an https:// URL.');
  });
});

describe('fetchJson allows, under OAUTH_ALLOW_LOOPBACK_HTTP=1,', () => {
  it('an http document on a loopback address', async () => {
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    expect(await fetchJson(`http://127.0.0.1:${documentPort}/jwks`)).toEqual({ keys: [] });
    expect(await fetchJson(`http://localhost:${documentPort}/jwks`)).toEqual({ keys: [] });
  });

  it('but still no private or link-local address', async () => {
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    expect(await refusal('https://10.0.0.1/jwks')).toMatch(/10\.0\.0\.1 is a private address/);
    expect(await refusal('https://169.254.169.254/latest/meta-data')).toMatch(/link-local/);
  });
});

// Single sign-on's requests to an identity provider (discovery, keys, token) go through fetchPublic: the same rules.
describe('fetchPublic, for single sign-on,', () => {
  it('refuses a private address and plain http, connecting to nothing', async () => {
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '0';
    const before = connections;
    const refusedWith = (url: string) =>
      fetchPublic(url, { method: 'GET', headers: {} }).then(
        () => 'fetched',
        (error: unknown) => (error instanceof RemoteFetchError ? error.message : 'another error'),
      );
    expect(await refusedWith(`https://10.0.0.1:${port}/token`)).toMatch(/10\.0\.0\.1 is a private address/);
    expect(await refusedWith(`https://[::1]:${port}/token`)).toMatch(/loopback/);
    expect(await refusedWith(`http://127.0.0.1:${documentPort}/token`)).toBe('Use an https:// URL.');
    expect(connections).toBe(before);
  });

  it('sends a form body and answers any status as a Response; refuses an answer over 64 KiB', async () => {
    process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
    const answer = await fetchPublic(`http://127.0.0.1:${documentPort}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'c' }),
    });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: 'invalid_grant', received: 'grant_type=authorization_code&code=c' });
    await expect(fetchPublic(`http://127.0.0.1:${documentPort}/large`, { method: 'GET', headers: {} })).rejects.toThrow(
      'larger than 65536 bytes',
    );
  });
});
