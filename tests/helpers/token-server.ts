// A token endpoint instance on its own: the production server's fast path without Next.js.
// Started as a child process by tests that need several instances on one database.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { TOKEN_PATH, serveTokenRequest } from '@/server/token-route';

export function startTokenServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url === TOKEN_PATH) void serveTokenRequest(req, res);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}${TOKEN_PATH}`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { url } = await startTokenServer();
  console.log(`listening ${url}`);
}
