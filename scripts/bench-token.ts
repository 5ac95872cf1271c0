// npm run bench:token — the token endpoint under load: production build, embedded PostgreSQL holding
// 100,000 secrets across 1,000 organizations, autocannon with 50 connections for 10 s per phase.
// The machine is shared (server, PostgreSQL and autocannon at least), so absolute figures mean little: every
// run is compared, interleaved, with two reference servers doing the same job (scripts/bench/), and the
// verdict is a ratio. BENCH_CPU_PROF=<dir> writes the project server's CPU profile there when it stops (summarise it with
// `tsx scripts/bench/profile-summary.ts <dir>`).
import type { ChildProcess } from 'node:child_process';
import { type KeyObject, createHash, generateKeyPairSync, randomBytes, randomUUID, sign } from 'node:crypto';
import { existsSync } from 'node:fs';
import autocannon from 'autocannon';
import { summary } from './bench/summary';
import { startServer, stopServer } from './bench/server-process';
import pg from 'pg';
import { persistentSecret, prepareDatabase } from './database';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { generateSecret, hashSecret, previewSecret } from '@/lib/credentials/format';
import { JWT_BEARER_ASSERTION } from '@/lib/oauth/token-request';

const ORGANIZATIONS = 1_000;
const SECRETS_PER_ORG = 100;
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const BARE_PORT = Number(process.env.BENCH_BARE_PORT ?? PORT + 1);
const OIDC_PORT = Number(process.env.BENCH_OIDC_PORT ?? PORT + 2);
/** 1: only the comparison with the reference servers, not the wrong-secret and attack phases. */
const COMPARISON_ONLY = process.env.BENCH_COMPARISON_ONLY === '1';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
const TARGETS = { vsOidcProvider: 2.0, vsBare: 0.9, p99Ms: 20 };
/** Clients of the private_key_jwt phase, each with one pasted ES256 key. */
const KEY_CLIENTS = 10;
/** Assertions signed before that phase: more than it can use, since each jti is accepted once. */
const ASSERTIONS = Number(process.env.BENCH_ASSERTIONS ?? DURATION * 15_000);

process.env.EMBEDDED_PG_DIR ??= '.data/bench';
process.env.EMBEDDED_PG_PORT ??= '54359';
delete process.env.DATABASE_URL;

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm run bench:token does).');
  process.exit(1);
}

/** Fills the database once; later runs reuse it. Returns one active and one disabled credential. */
async function seed(url: string) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM secrets');
  if (rows[0]!.n < ORGANIZATIONS * SECRETS_PER_ORG) {
    await db.query('TRUNCATE organizations CASCADE');
    console.error(`seeding ${ORGANIZATIONS * SECRETS_PER_ORG} secrets across ${ORGANIZATIONS} organizations…`);
    for (let org = 0; org < ORGANIZATIONS; org++) {
      const orgId = randomUUID();
      const clientRowId = randomUUID();
      await db.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [orgId, `Bench ${org}`]);
      await db.query('INSERT INTO oauth_clients (id, organization_id, client_id) VALUES ($1, $2, $3)', [
        clientRowId,
        orgId,
        `bench-client-${org}`,
      ]);
      const values: string[] = [];
      const params: unknown[] = [];
      for (let i = 0; i < SECRETS_PER_ORG; i++) {
        const secret = generateSecret();
        const base = params.length;
        values.push(
          `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}::"SecretStatus", $${base + 6})`,
        );
        params.push(
          randomUUID(),
          clientRowId,
          hashSecret(secret),
          previewSecret(secret),
          i % 2 === 0 ? 'ACTIVE' : 'DISABLED',
          `Secret ${i + 1}`,
        );
      }
      await db.query(
        `INSERT INTO secrets (id, oauth_client_id, secret_hash, preview, status, name) VALUES ${values.join(',')}`,
        params,
      );
    }
  }
  // The benchmark's own credential: a fresh active secret on one of the seeded clients.
  const secret = generateSecret();
  const client = await db.query<{ id: string }>("SELECT id FROM oauth_clients WHERE client_id = 'bench-client-500'");
  await db.query(
    `INSERT INTO secrets (id, oauth_client_id, secret_hash, preview, status, name) VALUES ($1, $2, $3, $4, 'ACTIVE', $5)`,
    [randomUUID(), client.rows[0]!.id, hashSecret(secret), previewSecret(secret), `Benchmark ${randomUUID()}`],
  );
  await db.query('DELETE FROM rate_limits');
  await db.end();
  return { clientId: 'bench-client-500', secret };
}

/**
 * One active ES256 public key (a pasted JWK) on each of the first KEY_CLIENTS seeded clients, replacing the
 * previous run's. Returns the clients and their private keys.
 */
async function seedPublicKeys(url: string) {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const clients: { clientId: string; kid: string; privateKey: KeyObject }[] = [];
  for (let n = 0; n < KEY_CLIENTS; n++) {
    const clientId = `bench-client-${n}`;
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const kid = await calculateJwkThumbprint(jwk);
    await db.query(
      `INSERT INTO secrets (id, oauth_client_id, kind, secret_hash, preview, status, name, public_jwk)
       SELECT $1, id, 'PUBLIC_KEY', $2, $3, 'ACTIVE', 'Benchmark key', $4 FROM oauth_clients WHERE client_id = $5
       ON CONFLICT (oauth_client_id, name) DO UPDATE SET public_jwk = EXCLUDED.public_jwk, status = 'ACTIVE'`,
      [
        randomUUID(),
        createHash('sha256').update(randomBytes(32)).digest('hex'),
        `ES256 · kid ${kid.slice(0, 8)}`,
        JSON.stringify({ ...jwk, alg: 'ES256', kid }),
        clientId,
      ],
    );
    clients.push({ clientId, kid, privateKey });
  }
  await db.end();
  return clients;
}

/** Signed client assertions for the token endpoint at `audience`, round-robin over the clients, each jti new. */
function signAssertions(clients: Awaited<ReturnType<typeof seedPublicKeys>>, audience: string, count: number) {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const headers = clients.map(({ kid }) => encode({ alg: 'ES256', typ: 'JWT', kid }));
  const now = Math.floor(Date.now() / 1000);
  const bodies: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const client = clients[i % clients.length]!;
    const input = `${headers[i % clients.length]}.${encode({
      iss: client.clientId,
      sub: client.clientId,
      aud: audience,
      jti: randomUUID(),
      iat: now,
      exp: now + 300,
    })}`;
    const signature = sign('sha256', Buffer.from(input), { key: client.privateKey, dsaEncoding: 'ieee-p1363' });
    bodies[i] = new URLSearchParams({
      grant_type: 'client_credentials',
      client_assertion_type: JWT_BEARER_ASSERTION,
      client_assertion: `${input}.${signature.toString('base64url')}`,
    }).toString();
  }
  return bodies;
}

function load(
  body: string,
  connections = CONNECTIONS,
  url = `http://127.0.0.1:${PORT}/api/oauth/token`,
  duration = DURATION,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    method: 'POST',
    connections,
    duration,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

/**
 * Rows the request log's tables have had inserted or updated so far, from PostgreSQL's statistics (a
 * backend reports them within 10 s of going idle: read after REQUEST_LOG_SETTLE_MS).
 */
async function requestLogRowsWritten(): Promise<number> {
  const client = new pg.Client({ connectionString: db.ownerUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0)::int AS n FROM pg_stat_user_tables
       WHERE relname IN ('request_log', 'request_counts', 'unknown_client_requests')`,
    );
    return rows[0]!.n;
  } finally {
    await client.end();
  }
}
/** One batch of the server (USAGE_FLUSH_MS, 10 s by default) and the statistics' reporting delay. */
const REQUEST_LOG_SETTLE_MS = 22_000;

const db = await prepareDatabase();
const credential = await seed(db.ownerUrl);
const keyClients = await seedPublicKeys(db.ownerUrl);
const form = (secret: string) =>
  new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credential.clientId,
    client_secret: secret,
  }).toString();

const referenceEnv: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: 'production',
  BENCH_CLIENT_ID: credential.clientId,
  BENCH_CLIENT_SECRET: credential.secret,
};
const servers: ChildProcess[] = [];
try {
  servers.push(
    // One server process, started the way scripts/start.ts starts it (--cpu-prof is not allowed in NODE_OPTIONS).
    await startServer(
      [...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []), '--import', 'tsx', 'server/index.ts'],
      {
        ...process.env,
        PORT: String(PORT),
        DATABASE_URL: db.url,
        NEXTAUTH_SECRET: await persistentSecret('NEXTAUTH_SECRET'),
        TOKEN_KEY_ENCRYPTION_KEY: await persistentSecret('TOKEN_KEY_ENCRYPTION_KEY'),
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
      },
    ),
    await startServer(['--import', 'tsx', 'scripts/bench/oidc-provider-server.ts', String(OIDC_PORT)], referenceEnv),
    await startServer(['--import', 'tsx', 'scripts/bench/bare-token-server.ts', String(BARE_PORT)], referenceEnv),
  );
  const targets = [
    { server: 'project', url: `http://127.0.0.1:${PORT}/api/oauth/token` },
    { server: 'oidc-provider', url: `http://127.0.0.1:${OIDC_PORT}/token` },
    { server: 'bare', url: `http://127.0.0.1:${BARE_PORT}/token` },
  ] as const;

  // Warm-up: JIT, key loading, the pool and the cache.
  for (const { url } of targets) await load(form(credential.secret), 10, url, 2);

  // Interleaved, so that whatever else loads the machine weighs on all three alike.
  const runs: (ReturnType<typeof summary> & { round: number; server: string })[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const { server, url } of targets) {
      const run = {
        round,
        server,
        ...summary(`valid secret: ${server}`, await load(form(credential.secret), CONNECTIONS, url), [200]),
      };
      console.log(JSON.stringify(run));
      runs.push(run);
    }
  }
  // Each round's project figure against the same round's peer.
  const ratios = (peer: string) =>
    runs
      .filter((run) => run.server === 'project')
      .map(
        (own) =>
          own.requests_per_s / runs.find((run) => run.server === peer && run.round === own.round)!.requests_per_s,
      );
  const range = (values: number[]) => ({
    min: Number(Math.min(...values).toFixed(2)),
    max: Number(Math.max(...values).toFixed(2)),
  });
  const project = runs.filter((run) => run.server === 'project');
  const vsOidcProvider = range(ratios('oidc-provider'));
  const vsBare = range(ratios('bare'));
  const p99 = project.map((run) => run.p99_ms);
  const errors = runs.reduce((n, run) => n + run.errors, 0);
  console.log(
    JSON.stringify({
      phase: 'comparison',
      rounds: ROUNDS,
      project_vs_oidc_provider: vsOidcProvider,
      project_vs_bare: vsBare,
      project_p99_ms: p99,
      oidc_provider_p99_ms: runs.filter((run) => run.server === 'oidc-provider').map((run) => run.p99_ms),
      bare_p99_ms: runs.filter((run) => run.server === 'bare').map((run) => run.p99_ms),
      errors,
      targets: { vs_oidc_provider: TARGETS.vsOidcProvider, vs_bare: TARGETS.vsBare, p99_ms: TARGETS.p99Ms },
      pass: {
        vs_oidc_provider: vsOidcProvider.min >= TARGETS.vsOidcProvider,
        vs_bare: vsBare.min >= TARGETS.vsBare,
        p99: Math.max(...p99) < TARGETS.p99Ms,
        errors: errors === 0,
      },
    }),
  );
  await stopServer(servers.pop()!);
  await stopServer(servers.pop()!);
  if (!COMPARISON_ONLY) {
    const valid = summary('valid secret', await load(form(credential.secret)), [200]);
    console.log(JSON.stringify(valid));
    await new Promise((resolve) => setTimeout(resolve, REQUEST_LOG_SETTLE_MS));
    const rowsBefore = await requestLogRowsWritten();
    const wrongSecret = generateSecret();
    const wrongRun = await load(form(wrongSecret));
    const wrong = summary('wrong secret', wrongRun, [401, 429]);
    console.log(JSON.stringify(wrong));
    const [during, attack] = await Promise.all([load(form(credential.secret), 25), load(form(wrongSecret), 25)]);
    const mixed = summary('valid secret during attack (25 valid + 25 wrong connections)', during, [200]);
    // What the request log wrote for both attack phases: bounded per client and minute, whatever the rate.
    await new Promise((resolve) => setTimeout(resolve, REQUEST_LOG_SETTLE_MS));
    const logRows = (await requestLogRowsWritten()) - rowsBefore;
    const attackRequests = wrongRun.requests.total + during.requests.total + attack.requests.total;
    console.log(
      JSON.stringify({
        phase: 'request log during the attack phases',
        seconds: 2 * DURATION,
        requests: attackRequests,
        requests_per_s: Math.round(attackRequests / (2 * DURATION)),
        log_rows_written: logRows,
        log_rows_per_s: Number((logRows / (2 * DURATION)).toFixed(1)),
        log_rows_per_1000_requests: Number(((logRows / attackRequests) * 1000).toFixed(2)),
      }),
    );
    // Per-connection throughput of valid clients, alone and while an attacker floods the endpoint.
    const perConnectionAlone = valid.requests_per_s / CONNECTIONS;
    const perConnectionDuring = mixed.requests_per_s / 25;
    console.log(
      JSON.stringify({
        ...mixed,
        attack_requests_per_s: Math.round(attack.requests.average),
        valid_slowdown_percent: Math.round((1 - perConnectionDuring / perConnectionAlone) * 100),
        valid_p99_ratio: Number((mixed.p99_ms / valid.p99_ms).toFixed(2)),
      }),
    );

    // private_key_jwt: every request a new assertion (a jti is accepted once), signed beforehand so that the
    // load generator's signing is not what is measured; aud is the token endpoint the metadata advertises.
    const metadata = (await (
      await fetch(`http://127.0.0.1:${PORT}/.well-known/oauth-authorization-server`)
    ).json()) as { token_endpoint: string };
    const bodies = signAssertions(keyClients, metadata.token_endpoint, ASSERTIONS);
    let next = 0;
    const assertions = await autocannon({
      url: `http://127.0.0.1:${PORT}/api/oauth/token`,
      method: 'POST',
      connections: CONNECTIONS,
      duration: DURATION,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      // Past the last one, assertions are reused: replays, refused, and counted as errors.
      requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
    });
    const jwt = summary(`private_key_jwt (ES256, ${KEY_CLIENTS} clients, a new jti each)`, assertions, [200]);
    console.log(
      JSON.stringify({
        ...jwt,
        assertions_signed: bodies.length,
        vs_valid_secret: Number((jwt.requests_per_s / valid.requests_per_s).toFixed(2)),
      }),
    );
  }
} finally {
  for (const child of servers.reverse()) await stopServer(child);
  await db.stop();
}
