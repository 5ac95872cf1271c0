import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_BODY_LIMIT_BYTES, isAuthPath, limitRequestBody } from './body-limit';

// A real server shaped like server/instance.ts: the limit in front of a handler that reads the whole body.
let server: http.Server;
let port: number;
const handled: Array<{ url: string; bytes: number; contentLength: string | undefined }> = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const downstream = (request: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const bytes = Buffer.concat(chunks).length;
        handled.push({ url: request.url!, bytes, contentLength: request.headers['content-length'] });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ bytes }));
      });
    };
    if (isAuthPath(req.url)) limitRequestBody(req, res, AUTH_BODY_LIMIT_BYTES, downstream);
    else downstream(req);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A raw connection, so the test decides when (and whether) each byte of the body is sent. */
function connect() {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  const waiters: Array<() => void> = [];
  socket.on('data', (chunk) => {
    received += chunk.toString('latin1');
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('close', () => {
    for (const wake of waiters.splice(0)) wake();
  });
  socket.on('error', () => {});
  return {
    socket,
    write: (data: string | Buffer) => new Promise<void>((resolve) => socket.write(data, () => resolve())),
    /** Resolves with the status line's code once a response head has arrived, or null if it closes first. */
    async status(): Promise<number | null> {
      while (!received.includes('\r\n\r\n')) {
        if (socket.destroyed || socket.readableEnded) return null;
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
      return Number(received.split(' ')[1]);
    },
    async closed(): Promise<void> {
      while (!socket.destroyed && !socket.readableEnded) await new Promise<void>((resolve) => waiters.push(resolve));
    },
    received: () => received,
  };
}

const chunk = (data: Buffer) =>
  Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);

describe('limitRequestBody', () => {
  it('refuses a declared Content-Length over 16 KiB with 413 before a byte of the body is sent, and closes', async () => {
    const before = handled.length;
    const client = connect();
    await client.write(
      `POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${10 * 1024 * 1024}\r\n\r\n`,
    );
    expect(await client.status()).toBe(413);
    expect(client.received()).toMatch(/connection: close/i);
    await client.closed();
    expect(handled.length).toBe(before);
  });

  it('refuses a chunked body with 413 as soon as it passes 16 KiB, while the client is still sending', async () => {
    const before = handled.length;
    const client = connect();
    await client.write('POST /api/auth/callback/credentials HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let sent = 0; sent < AUTH_BODY_LIMIT_BYTES; sent += 4096) await client.write(chunk(Buffer.alloc(4096, 'a')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(client.received()).toBe('');
    await client.write(chunk(Buffer.alloc(1, 'a')));
    expect(await client.status()).toBe(413);
    await client.closed();
    expect(handled.length).toBe(before);
  });

  it('hands a chunked body within the limit on in full, with its length declared', async () => {
    const client = connect();
    await client.write(
      'POST /api/auth/sign-in HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n',
    );
    for (let i = 0; i < 4; i++) await client.write(chunk(Buffer.alloc(4096, 'b')));
    await client.write('0\r\n\r\n');
    expect(await client.status()).toBe(200);
    await client.closed();
    expect(client.received()).toContain(`{"bytes":${AUTH_BODY_LIMIT_BYTES}}`);
    expect(handled.at(-1)).toEqual({
      url: '/api/auth/sign-in',
      bytes: AUTH_BODY_LIMIT_BYTES,
      contentLength: String(AUTH_BODY_LIMIT_BYTES),
    });
  });

  it('passes bodies with a Content-Length within the limit, and requests without a body, untouched', async () => {
    const json = JSON.stringify({ email: 'a@b.test', password: 'x'.repeat(100) });
    const posted = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, { method: 'POST', body: json });
    expect(await posted.json()).toEqual({ bytes: json.length });
    const exact = await fetch(`http://127.0.0.1:${port}/api/auth/sign-in`, {
      method: 'POST',
      body: 'c'.repeat(AUTH_BODY_LIMIT_BYTES),
    });
    expect(exact.status).toBe(200);
    const session = await fetch(`http://127.0.0.1:${port}/api/auth/session`);
    expect(await session.json()).toEqual({ bytes: 0 });
  });

  it('leaves other paths alone', async () => {
    const big = await fetch(`http://127.0.0.1:${port}/api/secrets/revoke`, {
      method: 'POST',
      body: 'd'.repeat(64 * 1024),
    });
    expect(await big.json()).toEqual({ bytes: 64 * 1024 });
  });
});

describe('isAuthPath', () => {
  it.each([
    '/api/auth/sign-in',
    '/api/auth/callback/credentials?x=1',
    '/api/auth',
    '//api/auth/sign-in',
    '/api//auth/sign-in',
    '/API/Auth/sign-in',
    '/api/%61uth/sign-in',
    '/api%2Fauth/sign-in',
    '/x/../api/auth/sign-in',
    '/api/./auth/sign-in',
    '/api\\auth/sign-in',
    'http://portal.example.test/api/auth/sign-in',
    '/%zz',
  ])('limits %j', (url) => {
    expect(isAuthPath(url)).toBe(true);
  });

  it.each(['/api/oauth/token', '/api/authx', '/api/secrets/revoke', '/sign-in', '/'])('does not limit %j', (url) => {
    expect(isAuthPath(url)).toBe(false);
  });
});
