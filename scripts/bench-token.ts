// npm run bench:token — the token endpoint under load: production build, embedded PostgreSQL holding
// 100,000 secrets across 1,000 organizations, autocannon with 50 connections for 10 s per phase.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import autocannon from 'autocannon';
import pg from 'pg';
import { prepareDatabase } from './database';
import { generateSecret, hashSecret, previewSecret } from '@/lib/secrets/format';

const ORGANIZATIONS = 1_000;
const SECRETS_PER_ORG = 100;
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 50;

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

function load(body: string, connections = CONNECTIONS): Promise<autocannon.Result> {
  return autocannon({
    url: `http://127.0.0.1:${PORT}/api/oauth/token`,
    method: 'POST',
    connections,
    duration: DURATION,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
}

function summary(phase: string, result: autocannon.Result, expected: number[]) {
  const counts = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  const unexpected = Object.entries(counts)
    .filter(([code]) => !expected.includes(Number(code)))
    .reduce((n, [, s]) => n + s.count, 0);
  return {
    phase,
    connections: result.connections,
    seconds: result.duration,
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts + unexpected,
    status_counts: Object.fromEntries(Object.entries(counts).map(([code, s]) => [code, s.count])),
  };
}

const db = await prepareDatabase();
const credential = await seed(db.ownerUrl);
const form = (secret: string) =>
  new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credential.clientId,
    client_secret: secret,
  }).toString();

const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
  env: { ...process.env, PORT: String(PORT), NODE_ENV: 'production' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes('ready on')) resolve();
  });
  server.once('exit', () => reject(new Error('server exited')));
});

try {
  // Warm-up: JIT, key loading, the pool and the cache.
  await autocannon({
    url: `http://127.0.0.1:${PORT}/api/oauth/token`,
    method: 'POST',
    connections: 10,
    duration: 2,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form(credential.secret),
  });

  const valid = summary('valid secret', await load(form(credential.secret)), [200]);
  console.log(JSON.stringify(valid));
  const wrongSecret = generateSecret();
  const wrong = summary('wrong secret', await load(form(wrongSecret)), [401, 429]);
  console.log(JSON.stringify(wrong));
  const [during, attack] = await Promise.all([load(form(credential.secret), 25), load(form(wrongSecret), 25)]);
  const mixed = summary('valid secret during attack (25 valid + 25 wrong connections)', during, [200]);
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
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await db.stop();
}
