// npm run bench:webhooks — events to 10 local receivers through the production server: deliveries per second,
// the lag from an event's commit to its receiver's 2xx, a receiver that is down for 30 s, and an instance
// killed with SIGKILL in the middle of deliveries. Prints one JSON line per phase, then the targets.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { startServer, stopServer } from './bench/server-process';
import { persistentSecret, prepareDatabase } from './database';
import { seal } from '@/lib/crypto/sealed';
import { newSigningSecret } from '@/lib/events/signing';

const PORT = Number(process.env.BENCH_PORT ?? 3430);
const RECEIVERS = 10;
const BURST = Number(process.env.BENCH_EVENTS ?? 10_000);
const STEADY_PER_S = 500;
const STEADY_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const DOWN_MS = 30_000;
/** Attempts after a failure come sooner here than Svix's 5 s, 5 min, 30 min … (WEBHOOK_RETRY_SCHEDULE). */
const RETRY_SCHEDULE = '5s,10s,10s,10s,10s,10s,10s';
const TARGETS = { deliveriesPerS: 500, steadyP99Ms: 2_000 };
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
/** `burst` stops after the burst (for profiling). */
const ONLY = process.env.BENCH_ONLY;

process.env.EMBEDDED_PG_DIR ??= '.data/bench-webhooks';
process.env.EMBEDDED_PG_PORT ??= '54389';
delete process.env.DATABASE_URL;

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm run bench:webhooks does).');
  process.exit(1);
}

const load = () => loadavg().map((n) => Math.round(n * 100) / 100);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values: number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** A customer's receiver: verifies every message as a Standard Webhooks library does, answers 204. */
interface Receiver {
  organizationId: string;
  url: string;
  server: http.Server;
  /** webhook-id → times received; lag of each first receipt. */
  seen: Map<string, number>;
  lags: number[];
  rejected: number;
  down: boolean;
}

async function startReceiver(organizationId: string, secret: string, port = 0): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const receiver: Receiver = {
    organizationId,
    url: '',
    server: http.createServer(),
    seen: new Map(),
    lags: [],
    rejected: 0,
    down: false,
  };
  receiver.server.keepAliveTimeout = 65_000;
  receiver.server.on('request', (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (receiver.down) {
        res.writeHead(503).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      let payload: { timestamp: string };
      try {
        payload = webhook.verify(body, req.headers as Record<string, string>) as { timestamp: string };
      } catch {
        receiver.rejected++;
        res.writeHead(400).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      const times = receiver.seen.get(id) ?? 0;
      if (times === 0) receiver.lags.push(Date.now() - Date.parse(payload.timestamp));
      receiver.seen.set(id, times + 1);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.server.listen(port, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
  return receiver;
}

console.log(JSON.stringify({ phase: 'start', load_average: load(), date: new Date().toISOString() }));
const db = await prepareDatabase({ fresh: true });
const tokenKey = await persistentSecret('TOKEN_KEY_ENCRYPTION_KEY');
process.env.TOKEN_KEY_ENCRYPTION_KEY = tokenKey;
const owner = new pg.Client({ connectionString: db.ownerUrl });
await owner.connect();

// Ten organizations, each with one endpoint (its own receiver) taking every event type.
const receivers: Receiver[] = [];
for (let i = 0; i < RECEIVERS; i++) {
  const organizationId = randomUUID();
  await owner.query('INSERT INTO organizations (id, name) VALUES ($1, $2)', [organizationId, `Bench ${i + 1}`]);
  const secret = newSigningSecret();
  const receiver = await startReceiver(organizationId, secret);
  const endpointId = randomUUID();
  await owner.query('INSERT INTO webhook_endpoints (id, organization_id, url, secret_sealed) VALUES ($1, $2, $3, $4)', [
    endpointId,
    organizationId,
    receiver.url,
    seal(`webhook-endpoint:${endpointId}`, Buffer.from(secret)),
  ]);
  receivers.push(receiver);
}

/**
 * Commits `perReceiver` events for each organization in one statement (the outbox as a change writes it):
 * returns their ids.
 */
async function commitEvents(perReceiver: number): Promise<string[]> {
  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO events (id, organization_id, type, data)
     SELECT 'msg_' || translate(gen_random_uuid()::text, '-', ''), o.id, 'credential.created',
            jsonb_build_object('organization_id', o.id, 'credential', jsonb_build_object(
              'id', gen_random_uuid(), 'name', 'Secret ' || n, 'kind', 'secret', 'preview', 'uqs_…abcd',
              'status', 'disabled', 'scopes', jsonb_build_array('sdk', 'api'), 'expires_at', null))
     FROM unnest($1::uuid[]) AS o(id) CROSS JOIN generate_series(1, $2::int) AS n
     RETURNING id`,
    [receivers.map((r) => r.organizationId), perReceiver],
  );
  return rows.map((row) => row.id);
}

const received = () => receivers.reduce((n, r) => n + r.seen.size, 0);
const duplicates = () => receivers.reduce((n, r) => n + [...r.seen.values()].reduce((d, t) => d + t - 1, 0), 0);
async function until(count: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (received() < count) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
const resetLags = () => {
  for (const r of receivers) r.lags = [];
};
const lags = () => receivers.flatMap((r) => r.lags);

const serverEnv = (port: number): NodeJS.ProcessEnv => ({
  ...process.env,
  PORT: String(port),
  DATABASE_URL: db.url,
  NEXTAUTH_URL: `http://localhost:${port}`,
  NEXTAUTH_SECRET: 'bench-webhooks-nextauth-secret-0123456789abcdef',
  TOKEN_KEY_ENCRYPTION_KEY: tokenKey,
  OAUTH_ALLOW_LOOPBACK_HTTP: '1',
  WEBHOOK_RETRY_SCHEDULE: RETRY_SCHEDULE,
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
});
class Stop extends Error {}
const servers: ChildProcess[] = [];
const results: Record<string, unknown> = {};
try {
  servers.push(
    await startServer(
      [...(CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`] : []), '--import', 'tsx', 'server/index.ts'],
      serverEnv(PORT),
    ),
  );
  // Warm-up: connections, the queue's workers, the receivers' keep-alive sockets.
  await commitEvents(10);
  await until(received() + RECEIVERS * 10, 30_000);

  // 1. A burst: every event committed at once; deliveries per second until the last one's 2xx.
  {
    const before = received();
    resetLags();
    const started = Date.now();
    await commitEvents(BURST / RECEIVERS);
    const sampler = setInterval(() => {
      void owner
        .query(
          `SELECT (SELECT count(*) FROM events WHERE dispatched_at IS NULL) AS undispatched,
                  (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending') AS pending,
                  (SELECT json_object_agg(state, n) FROM (SELECT state, count(*) AS n FROM pgboss.job GROUP BY state) j) AS jobs`,
        )
        .then(
          ({ rows }) =>
            process.env.BENCH_TRACE &&
            console.log(JSON.stringify({ t: Date.now() - started, received: received() - before, ...rows[0] })),
        );
    }, 2000);
    const complete = await until(before + BURST, 180_000);
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    const perS = Math.round((received() - before) / seconds);
    results.burst = {
      events: BURST,
      complete,
      seconds,
      deliveries_per_s: perS,
      p50_lag_ms: percentile(lags(), 50),
      p99_lag_ms: percentile(lags(), 99),
    };
    console.log(
      JSON.stringify({
        phase: `burst: ${BURST} events to ${RECEIVERS} receivers`,
        ...(results.burst as object),
        load_average: load(),
      }),
    );
  }

  if (ONLY === 'burst') throw new Stop();

  // 2. Steady: STEADY_PER_S events a second, committed every 100 ms; lag from commit to 2xx.
  {
    const before = received();
    resetLags();
    const ticks = STEADY_SECONDS * 10;
    const perTick = STEADY_PER_S / 10 / RECEIVERS;
    const started = Date.now();
    for (let tick = 0; tick < ticks; tick++) {
      await commitEvents(perTick);
      const next = started + (tick + 1) * 100;
      await sleep(Math.max(0, next - Date.now()));
    }
    const complete = await until(before + ticks * perTick * RECEIVERS, 60_000);
    results.steady = {
      events_per_s: STEADY_PER_S,
      seconds: STEADY_SECONDS,
      complete,
      p50_lag_ms: percentile(lags(), 50),
      p99_lag_ms: percentile(lags(), 99),
      max_lag_ms: Math.max(...lags()),
    };
    console.log(
      JSON.stringify({
        phase: `steady: ${STEADY_PER_S} events/s`,
        ...(results.steady as object),
        load_average: load(),
      }),
    );
  }

  // 3. One receiver answers 503 for 30 s while events keep coming; then it is back and gets everything.
  {
    const down = receivers[0]!;
    const expected = new Set<string>();
    down.down = true;
    const started = Date.now();
    while (Date.now() - started < DOWN_MS) {
      for (const id of await commitEvents(5)) expected.add(id);
      await sleep(1000);
    }
    down.down = false;
    const mine = [...expected].filter((id) => id); // every receiver's events; the down one's are checked below
    const deadline = Date.now() + 60_000;
    const ownIds = async () =>
      (
        await owner.query<{ id: string }>('SELECT id FROM events WHERE id = ANY($1) AND organization_id = $2', [
          mine,
          down.organizationId,
        ])
      ).rows.map((row) => row.id);
    const ids = await ownIds();
    while (ids.some((id) => !down.seen.has(id)) && Date.now() < deadline) await sleep(200);
    const missing = ids.filter((id) => !down.seen.has(id)).length;
    results.receiverDown = {
      down_s: DOWN_MS / 1000,
      its_events: ids.length,
      missing,
      recovered_after_s: Math.round((Date.now() - started - DOWN_MS) / 100) / 10,
    };
    console.log(JSON.stringify({ phase: 'a receiver down for 30 s, then back', ...(results.receiverDown as object) }));
  }

  // 4. Two instances; one is killed with SIGKILL in the middle of a burst, then started again.
  {
    servers.push(await startServer(['--import', 'tsx', 'server/index.ts'], serverEnv(PORT + 1)));
    const ids = await commitEvents(300);
    await sleep(300);
    const victim = servers.shift()!;
    victim.kill('SIGKILL');
    await new Promise((resolve) => victim.once('exit', resolve));
    servers.push(await startServer(['--import', 'tsx', 'server/index.ts'], serverEnv(PORT)));
    // A killed instance's jobs are retried once their lease (35 s) has run out.
    const seenAll = () => ids.every((id) => receivers.some((r) => r.seen.has(id)));
    const deadline = Date.now() + 150_000;
    while (!seenAll() && Date.now() < deadline) await sleep(200);
    const complete = seenAll();
    const seen = new Set(receivers.flatMap((r) => [...r.seen.keys()]));
    results.kill = {
      events: ids.length,
      missing: ids.filter((id) => !seen.has(id)).length,
      complete,
      duplicates_so_far: duplicates(),
    };
    console.log(JSON.stringify({ phase: 'kill -9 of an instance mid-delivery', ...(results.kill as object) }));
  }
} catch (error) {
  if (!(error instanceof Stop)) throw error;
} finally {
  for (const child of servers.reverse()) await stopServer(child);
  for (const r of receivers) r.server.close();
  await owner.end();
  await db.stop();
}

const burst = results.burst as { deliveries_per_s: number; complete: boolean } | undefined;
const steady = results.steady as { p99_lag_ms: number; complete: boolean } | undefined;
const down = results.receiverDown as { missing: number } | undefined;
const kill = results.kill as { missing: number } | undefined;
const verdict = (ok: boolean | undefined, text: string) =>
  console.log(`${ok ? 'target met' : 'target missed'}: ${text}`);
console.log(
  JSON.stringify({
    phase: 'result',
    load_average: load(),
    rejected_signatures: receivers.reduce((n, r) => n + r.rejected, 0),
    ...results,
  }),
);
verdict(
  burst?.complete && burst.deliveries_per_s >= TARGETS.deliveriesPerS,
  `${burst?.deliveries_per_s} deliveries/s (≥ ${TARGETS.deliveriesPerS})`,
);
verdict(
  steady?.complete && steady.p99_lag_ms <= TARGETS.steadyP99Ms,
  `p99 lag ${steady?.p99_lag_ms} ms at ${STEADY_PER_S} events/s (≤ ${TARGETS.steadyP99Ms} ms)`,
);
verdict(down?.missing === 0, `a receiver down for 30 s missed ${down?.missing} events once back (0)`);
verdict(kill?.missing === 0, `kill -9 mid-delivery lost ${kill?.missing} events (0)`);
process.exit(0);
