// The OAuth endpoints on their own: the production server's fast path without Next.js, plus /api/v1/me (its
// route handler) so that a test can see which tokens this instance accepts. Started as a child process by
// tests that need several instances on one database.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAUTH_ENDPOINTS, serveOAuthRequest } from '@/server/token-route';
import { OAUTH_PATHS } from '@/lib/oauth/settings';
import { GET as getMe } from '@/app/api/v1/me/route';
import { credentialChanges } from '@/lib/db/credential-changes';

const ME_PATH = '/api/v1/me';

async function serveMe(req: http.IncomingMessage, res: http.ServerResponse) {
  const authorization = req.headers.authorization;
  const response = await getMe(
    new Request(`http://api.test${ME_PATH}`, { headers: authorization ? { authorization } : {} }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers)).end(await response.text());
}

export function startTokenServer(): Promise<{
  /** The token endpoint's URL. */
  url: string;
  /** The origin, for the other endpoints. */
  base: string;
  close: () => Promise<void>;
}> {
  const server = http.createServer((req, res) => {
    const endpoint = OAUTH_ENDPOINTS.get(req.url ?? '');
    if (endpoint) void serveOAuthRequest(req, res, endpoint);
    else if (req.url === ME_PATH) void serveMe(req, res);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      const base = `http://127.0.0.1:${port}`;
      resolve({
        url: `${base}${OAUTH_PATHS.token}`,
        base,
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const { url } = await startTokenServer();
  // Like the production instance, listen for changes before the first request, and say so only once ready:
  // the tests then see this instance's caches at work, not its first-request database reads.
  const until = Date.now() + 10_000;
  while (!credentialChanges.isListening() && Date.now() < until)
    await new Promise((resolve) => setTimeout(resolve, 20));
  console.log(`listening ${url}`);
}
