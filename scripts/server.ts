// The production server: Next.js for the portal, with the token endpoint answered before Next's router.
import http from 'node:http';
import next from 'next';
import { TOKEN_PATH, serveTokenRequest } from '@/lib/http/token-route';
import { startScheduler } from '@/lib/jobs/scheduler';
import { prisma } from '@/lib/db';
import { inspectPrivileges, privilegeWarning } from '@/lib/db/roles';

const port = Number(process.env.PORT ?? 3000);
const app = next({ dev: false, dir: process.cwd(), port, hostname: 'localhost' });
await app.prepare();
const handle = app.getRequestHandler();

const server = http.createServer((req, res) => {
  // Without a trusted proxy in front, the peer is the socket: a client-sent X-Forwarded-For is not believed.
  if (process.env.TRUST_PROXY !== '1') req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  const path = req.url?.split('?', 1)[0];
  if (path === TOKEN_PATH) void serveTokenRequest(req, res);
  else void handle(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, () => console.log(`▲ Next.js ready on http://localhost:${port}`));

const stopScheduler = startScheduler();

// An application connection that could rewrite the audit log deserves a loud line at start-up.
inspectPrivileges((sql) => prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql))
  .then((report) => {
    const warning = privilegeWarning(report);
    if (warning) console.warn(warning);
  })
  .catch(() => {});

function shutdown() {
  // Write the usage counted so far before leaving.
  void stopScheduler();
  server.close(() => void stopScheduler().finally(() => process.exit(0)));
  setTimeout(() => process.exit(0), 5000).unref();
}
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
