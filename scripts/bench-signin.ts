// npm run bench:signin — does a flood of password sign-ins slow the token endpoint? Production build on an
// embedded PostgreSQL (.data/bench-signin), TRUST_PROXY=1. The token endpoint's p99 with 10 connections for
// 10 s alone, then again while 200 bogus sign-ins a second hit the sign-in endpoint, each from its own
// random X-Forwarded-For address (a distributed attack: per-address throttling does not stop it, the cap on
// concurrent password checks must). Prints one JSON line per phase, then the ratio of the two p99s.
//
// BENCH_SIGNIN_PATH picks the target: /api/auth/sign-in (JSON {email, password}, the default) or
// /api/auth/callback/credentials (next-auth's form post, with a CSRF token fetched once).
import { spawn } from 'node:child_process';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import autocannon from 'autocannon';
import { summary } from './bench/summary';
import pg from 'pg';
import { prepareDatabase } from './database';
import { DEMO_USERS } from '@/lib/demo-users';
import { generateSecret, hashSecret, previewSecret } from '@/lib/credentials/format';

const PORT = Number(process.env.BENCH_PORT ?? 3410);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const TOKEN_CONNECTIONS = 10;
const ATTACK_RATE = Number(process.env.BENCH_SIGNIN_RATE ?? 200);
// Enough connections to keep the rate up while some sign-ins wait for a password-check slot (up to 2 s).
const ATTACK_CONNECTIONS = 100;
const SIGNIN_PATH = process.env.BENCH_SIGNIN_PATH ?? '/api/auth/sign-in';
const TARGET_RATIO = 1.5;

process.env.EMBEDDED_PG_DIR ??= '.data/bench-signin';
process.env.EMBEDDED_PG_PORT ??= '54369';
delete process.env.DATABASE_URL;

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm run bench:signin does).');
  process.exit(1);
}
if (SIGNIN_PATH !== '/api/auth/sign-in' && SIGNIN_PATH !== '/api/auth/callback/credentials') {
  console.error('BENCH_SIGNIN_PATH must be /api/auth/sign-in or /api/auth/callback/credentials.');
  process.exit(1);
}

/** The benchmark's token client: one organization, one active secret. */
async function seed(url: string) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const orgId = randomUUID();
  const clientRowId = randomUUID();
  const clientId = `bench-signin-${randomUUID().slice(0, 8)}`;
  const secret = generateSecret();
  await db.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [orgId, `Bench sign-in ${clientId}`]);
  await db.query('INSERT INTO oauth_clients (id, organization_id, client_id) VALUES ($1, $2, $3)', [
    clientRowId,
    orgId,
    clientId,
  ]);
  await db.query(
    `INSERT INTO secrets (id, oauth_client_id, secret_hash, preview, status, name) VALUES ($1, $2, $3, $4, 'ACTIVE', 'Benchmark')`,
    [randomUUID(), clientRowId, hashSecret(secret), previewSecret(secret)],
  );
  await db.query('DELETE FROM rate_limits');
  await db.end();
  return { clientId, secret };
}

const tokenUrl = `http://127.0.0.1:${PORT}/api/oauth/token`;

function tokenLoad(form: string, duration = DURATION): Promise<autocannon.Result> {
  return autocannon({
    url: tokenUrl,
    method: 'POST',
    connections: TOKEN_CONNECTIONS,
    duration,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
}

// Half the guesses name a real account, half an unknown one: both must cost the same to the server.
function randomEmail() {
  return randomInt(2) === 0
    ? DEMO_USERS[randomInt(DEMO_USERS.length)]!.email
    : `nobody-${randomBytes(4).toString('hex')}@acme.test`;
}

function randomAddress() {
  return `${randomInt(1, 224)}.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
}

/** For next-auth's callback: a CSRF token and its cookie, valid for every request of the attack. */
async function csrf(): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`http://127.0.0.1:${PORT}/api/auth/csrf`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const cookie = response.headers
    .getSetCookie()
    .map((line) => line.split(';', 1)[0])
    .join('; ');
  return { token: csrfToken, cookie };
}

async function signInAttack(): Promise<autocannon.Result> {
  const form = SIGNIN_PATH === '/api/auth/callback/credentials' ? await csrf() : null;
  return autocannon({
    url: `http://127.0.0.1:${PORT}${SIGNIN_PATH}`,
    connections: ATTACK_CONNECTIONS,
    overallRate: ATTACK_RATE,
    duration: DURATION,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const credentials = { email: randomEmail(), password: randomBytes(12).toString('base64url') };
          const headers: Record<string, string> = { 'x-forwarded-for': randomAddress() };
          if (form) {
            headers['content-type'] = 'application/x-www-form-urlencoded';
            headers.cookie = form.cookie;
            const body = new URLSearchParams({ ...credentials, csrfToken: form.token, json: 'true' }).toString();
            return { ...request, headers, body };
          }
          headers['content-type'] = 'application/json';
          return { ...request, headers, body: JSON.stringify(credentials) };
        },
      },
    ],
  });
}

const db = await prepareDatabase();
const credential = await seed(db.url);
const tokenForm = new URLSearchParams({
  grant_type: 'client_credentials',
  client_id: credential.clientId,
  client_secret: credential.secret,
}).toString();

const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  env: { ...process.env, PORT: String(PORT), NODE_ENV: 'production', TRUST_PROXY: '1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('ready on')) resolve();
  });
  server.once('exit', () => reject(new Error('server exited')));
});

try {
  // Warm-up: JIT, key loading, the pool, the secret cache, and the sign-in route's first compile.
  await tokenLoad(tokenForm, 2);
  await fetch(`http://127.0.0.1:${PORT}${SIGNIN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });

  const idle = summary('token endpoint alone', await tokenLoad(tokenForm), [200]);
  console.log(JSON.stringify(idle));

  const [during, attack] = await Promise.all([tokenLoad(tokenForm), signInAttack()]);
  const underAttack = summary(`token endpoint during ${ATTACK_RATE} sign-ins/s`, during, [200]);
  console.log(JSON.stringify(underAttack));
  // 401 wrong password, 429 throttled, 503 no password-check slot; next-auth's callback answers 401 or a redirect.
  console.log(
    JSON.stringify({
      ...summary(`sign-in attack on ${SIGNIN_PATH}`, attack, [200, 302, 401, 429, 503]),
      target_rate: ATTACK_RATE,
    }),
  );

  const ratio = Number((underAttack.p99_ms / idle.p99_ms).toFixed(2));
  // autocannon's latencies are whole milliseconds and the idle p99 is a few of them: the throughput ratio
  // says the same thing with less noise.
  const throughput = Number((underAttack.requests_per_s / idle.requests_per_s).toFixed(2));
  console.log(
    JSON.stringify({
      phase: 'result',
      p99_ratio: ratio,
      throughput_ratio: throughput,
      target: TARGET_RATIO,
      ok: ratio <= TARGET_RATIO,
    }),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await db.stop();
}
