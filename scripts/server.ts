// The production server: Next.js for the portal, with the token endpoint answered before Next's router.
import http from 'node:http';
import next from 'next';
import { AUTH_BODY_LIMIT_BYTES, isAuthPath, limitRequestBody } from '@/lib/http/body-limit';
import { TOKEN_PATH, serveTokenRequest } from '@/lib/http/token-route';
import { startScheduler } from '@/lib/jobs/scheduler';
import { testClockEnabled } from '@/lib/clock';

const port = Number(process.env.PORT ?? 3000);
const app = next({ dev: false, dir: process.cwd(), port, hostname: 'localhost' });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  // Without a trusted proxy in front, the peer is the socket: a client-sent X-Forwarded-For is not believed.
  if (process.env.TRUST_PROXY !== '1') req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  const path = req.url?.split('?', 1)[0];
  if (path === TOKEN_PATH) void serveTokenRequest(req, res);
  // Sign-in bodies are tiny; a large one is refused before Next.js (and next-auth, which reads it all) sees it.
  else if (isAuthPath(req.url)) limitRequestBody(req, res, AUTH_BODY_LIMIT_BYTES, (limited) => void handle(limited, res));
  else void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, () => console.log(`▲ Next.js ready on http://localhost:${port}`));
if (testClockEnabled()) console.warn('⚠ TEST_CLOCK=1: POST /api/test-clock can move this server\'s clock. Never set it outside test runs.');

const stopScheduler = startScheduler();

function shutdown() {
  // Write the usage counted so far before leaving.
  void stopScheduler();
  server.close(() => void stopScheduler().finally(() => process.exit(0)));
  setTimeout(() => process.exit(0), 5000).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
