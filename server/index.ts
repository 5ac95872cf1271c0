// The production server: Next.js for the portal, with the token endpoint and the health checks answered
// before Next's router.
import http from 'node:http';
import next from 'next';
import { AUTH_BODY_LIMIT_BYTES, isAuthPath, limitRequestBody } from '@/lib/http/body-limit';
import { SIGN_IN_BUSY_MESSAGE, admitSignInAttempt, isSignInStep } from '@/lib/auth/password-check-limit';
import { TOKEN_PATH, serveTokenRequest } from '@/server/token-route';
import { startScheduler } from '@/server/scheduler';
import { prisma } from '@/lib/db';
import { inspectPrivileges, privilegeWarning } from '@/lib/db/roles';
import { RETRY_AFTER_SECONDS } from '@/lib/db/availability';
import { readiness } from '@/lib/http/health';
import { apiSecurityHeaders } from '@/lib/http/security-headers';
import { replaceOutageErrors } from '@/lib/http/unavailable-page';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { testClockEnabled } from '@/lib/clock';
import { checkEnv, env } from '@/lib/env';

// A bad variable stops the start here, named, rather than at its first use.
checkEnv();
const port = env.PORT;
const app = next({ dev: false, dir: process.cwd(), port, hostname: 'localhost' });
await app.prepare();
const handle = app.getRequestHandler();

function sendJson(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}) {
  const body = JSON.stringify(payload);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    ...apiSecurityHeaders(),
    ...headers,
  });
  res.end(body);
}

// Fixed for the life of the process: read once rather than on each of thousands of token requests a second.
const trustProxy = env.TRUST_PROXY;
const tokenHeaders = apiSecurityHeaders();

const server = http.createServer((req, res) => {
  // Without a trusted proxy in front, the peer is the socket: a client-sent X-Forwarded-For is not believed.
  if (!trustProxy) req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  const path = req.url?.split('?', 1)[0];
  if (path === TOKEN_PATH) {
    void serveTokenRequest(req, res, tokenHeaders);
  } else if (path === '/healthz') {
    sendJson(res, 200, { status: 'ok' });
  } else if (path === '/readyz') {
    void readiness().then((state) =>
      sendJson(
        res,
        state.ready ? 200 : 503,
        { status: state.ready ? 'ready' : 'unavailable', ...state.checks },
        state.ready ? {} : { 'Retry-After': String(RETRY_AFTER_SECONDS) },
      ),
    );
  } else if (isAuthPath(req.url)) {
    // Sign-in bodies are tiny; a large one is refused before Next.js (and next-auth, which reads it all) sees it.
    const pass = () => limitRequestBody(req, res, AUTH_BODY_LIMIT_BYTES, (limited) => void handle(limited, res));
    // A flood of sign-in attempts beyond what this instance admits is answered here, before Next.js, the
    // database or argon2 spend anything on it.
    if (req.method === 'POST' && isSignInStep(path)) {
      void admitSignInAttempt().then((admitted) =>
        admitted
          ? pass()
          : sendJson(res, 503, { status: 'busy', message: SIGN_IN_BUSY_MESSAGE }, { 'Retry-After': '1' }),
      );
    } else pass();
  } else {
    if (!path?.startsWith('/api/') && !path?.startsWith('/_next/static/')) replaceOutageErrors(req, res);
    void handle(req, res);
  }
});
server.keepAliveTimeout = 65_000;
server.listen(port, () => console.log(`▲ Next.js ready on http://localhost:${port}`));
if (testClockEnabled())
  console.warn("⚠ TEST_CLOCK=1: POST /api/test-clock can move this server's clock. Never set it outside test runs.");

const stopScheduler = startScheduler();

// Be ready before the first request: listen for secret changes and load the signing keys now.
secretVerifier.isListening();
getSigningKeys().catch(() => {});

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
