// One instance of the production server (one worker of server/cluster.ts): the OAuth endpoints and the health
// checks answered before the portal's handler (Next.js), the scheduler's bid for leadership, and a graceful
// shutdown on SIGTERM or SIGINT.
import http from 'node:http';
import { AUTH_BODY_LIMIT_BYTES, isAuthPath, limitRequestBody } from '@/lib/http/body-limit';
import { SIGN_IN_BUSY_MESSAGE, admitSignInAttempt, isSignInStep } from '@/lib/auth/password-check-limit';
import { OAUTH_ENDPOINTS, serveOAuthRequest } from '@/server/token-route';
import { startScheduler } from '@/server/scheduler';
import { startDeliveries } from '@/server/deliveries';
import { inspectOwnPrivileges, prisma } from '@/lib/db';
import { privilegeWarning } from '@/lib/db/roles';
import { RETRY_AFTER_SECONDS } from '@/lib/db/availability';
import { credentialChanges } from '@/lib/db/credential-changes';
import { isDraining, readiness, startDraining } from '@/lib/http/health';
import { apiSecurityHeaders, baselineSecurityHeaders } from '@/lib/http/security-headers';
import { configuredPortalOrigin, otherAddressAnswer } from '@/lib/http/portal-address';
import { malformedRequestReason } from '@/lib/http/malformed-request';
import { replaceOutageErrors } from '@/lib/http/unavailable-page';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { secretVerifier } from '@/lib/oauth/secret-verifier';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { requestLog } from '@/lib/oauth/request-log';
import { env } from '@/lib/env';

/** A stopping instance exits within this, whatever still runs (the limit is 10 s). */
const EXIT_DEADLINE_MS = 9_500;
/** In-flight requests are cut here, leaving the rest of the deadline to write the usage and release the lock. */
const REQUESTS_DEADLINE_MS = 7_000;

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> | void;

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

/** Node's request headers as the Fetch API's `get` reads them. */
function headerList(req: http.IncomingMessage): Pick<Headers, 'get'> {
  return {
    get: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : (value ?? null);
    },
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/** Starts serving on PORT; `handle` answers everything the instance does not answer itself (the portal). */
export function startInstance({ handle, onListening }: { handle: Handler; onListening?: () => void }): http.Server {
  // Fixed for the life of the process: read once rather than on each of thousands of token requests a second.
  const trustProxy = env.TRUST_PROXY;
  const tokenHeaders = apiSecurityHeaders();
  const portal = configuredPortalOrigin();
  const apiBaseline = Object.entries(baselineSecurityHeaders('/api/'));
  const pageBaseline = Object.entries(baselineSecurityHeaders('/'));
  const server = http.createServer((req, res) => {
    // A stopping instance answers, but asks keep-alive clients to reconnect (through the balancer, elsewhere).
    if (isDraining()) res.setHeader('Connection', 'close');
    const path = req.url?.split('?', 1)[0];
    // The token, revocation and introspection endpoints read the socket's address themselves (clientAddress),
    // so their hot path skips this.
    const oauthEndpoint = path === undefined ? undefined : OAUTH_ENDPOINTS.get(path);
    if (oauthEndpoint) {
      void serveOAuthRequest(req, res, oauthEndpoint, tokenHeaders);
      return;
    }
    // Without a trusted proxy in front, the peer is the socket and the host is Host: a client-sent
    // X-Forwarded-For or X-Forwarded-Host is not believed, here, in proxy.ts or by Next's own checks.
    if (!trustProxy) {
      req.headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
      delete req.headers['x-forwarded-host'];
    }
    const isApi = path === '/api' || path?.startsWith('/api/');
    for (const [name, value] of isApi ? apiBaseline : pageBaseline) res.setHeader(name, value);
    const malformed = malformedRequestReason(req);
    const elsewhere = malformed
      ? null
      : otherAddressAnswer(
          { method: req.method ?? '', target: req.url ?? '/', headers: headerList(req) },
          portal,
          trustProxy,
        );
    if (malformed) {
      sendJson(res, 400, { error: 'invalid_request', error_description: malformed });
    } else if (elsewhere && 'redirect' in elsewhere) {
      // Here rather than in proxy.ts: Next.js turns a redirect to its own host:port into a relative one.
      res.writeHead(307, { Location: elsewhere.redirect, 'Content-Length': 0 }).end();
    } else if (elsewhere) {
      sendJson(res, 403, { error: 'forbidden', error_description: elsewhere.refuse });
    } else if (path === '/healthz') {
      sendJson(res, 200, { status: 'ok' });
    } else if (path === '/readyz') {
      void readiness().then((state) =>
        sendJson(
          res,
          state.ready ? 200 : 503,
          { status: state.ready ? 'ready' : state.checks.draining ? 'draining' : 'unavailable', ...state.checks },
          state.ready ? {} : { 'Retry-After': String(RETRY_AFTER_SECONDS) },
        ),
      );
    } else if (isAuthPath(req.url)) {
      // Sign-in bodies are tiny; a large one is refused before Next.js (and next-auth, which reads it all) sees it.
      const pass = () => limitRequestBody(req, res, AUTH_BODY_LIMIT_BYTES, (limited) => void handle(limited, res));
      // A flood of sign-in attempts beyond what this instance admits is answered here, before Next.js, the
      // database or argon2 spend anything on it. A body declared too large is refused (413) without taking
      // one of the attempts a second that real people need.
      const declaredTooLarge = Number(req.headers['content-length'] ?? 0) > AUTH_BODY_LIMIT_BYTES;
      if (req.method === 'POST' && isSignInStep(path) && !declaredTooLarge) {
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
  server.listen(env.PORT, onListening);

  const stopScheduler = startScheduler();
  const stopDeliveries = startDeliveries();

  // Be ready before the first request: listen for secret changes and load the signing keys now.
  secretVerifier.isListening();
  getSigningKeys().catch(() => {});

  // An application connection that could rewrite the audit log deserves a loud line at start-up.
  inspectOwnPrivileges()
    .then((report) => {
      const warning = privilegeWarning(report);
      if (warning) console.warn(warning);
    })
    .catch(() => {});

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    void shutDown(
      server,
      async () => {
        await Promise.all([stopScheduler(), stopDeliveries()]);
      },
      signal,
    );
  };
  // Signals may come twice (from the terminal's process group and from the cluster's primary): stop once.
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return server;
}

/**
 * Graceful shutdown: /readyz answers 503 at once while requests are still served for SHUTDOWN_DRAIN_MS (long
 * enough for a balancer's health check to take the instance out), then the server stops accepting, idle
 * keep-alive connections close and in-flight requests finish; then the leadership is released, the counted
 * usage written, this instance leaves the revocation protocol's list, and the process exits 0 well within 10 s.
 */
async function shutDown(server: http.Server, stopScheduler: () => Promise<void>, signal: NodeJS.Signals) {
  const started = Date.now();
  setTimeout(() => {
    console.error(`shutdown: not done after ${EXIT_DEADLINE_MS} ms; exiting`);
    process.exit(1);
  }, EXIT_DEADLINE_MS).unref();
  startDraining();
  console.log(`shutdown: ${signal}: process ${process.pid} drains for ${env.SHUTDOWN_DRAIN_MS} ms`);
  await sleep(env.SHUTDOWN_DRAIN_MS);

  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await Promise.race([closed, sleep(Math.max(0, REQUESTS_DEADLINE_MS - (Date.now() - started)))]);
  server.closeAllConnections();

  await stopScheduler().catch(() => {});
  await Promise.all([usageRecorder.flush(), requestLog.flush()]);
  await credentialChanges.close();
  await prisma.$disconnect().catch(() => {});
  console.log(`shutdown: process ${process.pid} stopped after ${Date.now() - started} ms`);
  process.exit(0);
}
