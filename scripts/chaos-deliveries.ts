// npm run test:chaos (second part) — webhook deliveries survive an instance killed with SIGKILL in the middle
// of them. One production instance delivers 300 events to a receiver that holds each request for 300 ms; once
// requests are in flight the instance is killed (no shutdown, no chance to record anything) and another is
// started. Every event must arrive, verified, and those that were in flight must arrive again with the same
// webhook-id (at least once, never lost). Needs a production build (npm test builds before it runs).
import type { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import { startServer, stopServer } from './bench/server-process';
import { prepareDatabase } from './database';
import { seal } from '@/lib/crypto/sealed';
import { newSigningSecret } from '@/lib/events/signing';

const PORT = Number(process.env.CHAOS_PORT ?? 3300) + 10;
const EVENTS = 300;
const HOLD_MS = 300;
/** A killed instance's jobs come back once their lease (35 s) has run out and maintenance (every 5 s) notices. */
const DEADLINE_MS = 120_000;

process.env.EMBEDDED_PG_DIR = process.env.CHAOS_DELIVERIES_PG_DIR ?? '.data/chaos-deliveries';
process.env.EMBEDDED_PG_PORT = String(Number(process.env.CHAOS_PG_PORT ?? 54369) + 1);
delete process.env.DATABASE_URL;
delete process.env.MIGRATION_DATABASE_URL;
process.env.TOKEN_KEY_ENCRYPTION_KEY = randomBytes(32).toString('base64url');

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm test does).');
  process.exit(1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const failures: string[] = [];
const check = (ok: boolean, message: string) => {
  if (!ok) failures.push(message);
};

const secret = newSigningSecret();
const webhook = new Webhook(secret);
const received = new Map<string, number>();
let inFlight = new Set<string>();
let rejected = 0;
const receiver = http.createServer((req, res) => {
  const id = String(req.headers['webhook-id']);
  inFlight.add(id);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    setTimeout(() => {
      inFlight.delete(id);
      // The sender died while this request was held: it never learns of an answer, so it did not arrive.
      if (res.destroyed) return;
      try {
        webhook.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>);
      } catch {
        rejected++;
        res.writeHead(400).end();
        return;
      }
      received.set(id, (received.get(id) ?? 0) + 1);
      res.writeHead(204).end();
    }, HOLD_MS);
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const db = await prepareDatabase({ fresh: true });
const owner = new pg.Client({ connectionString: db.ownerUrl });
await owner.connect();
const servers: ChildProcess[] = [];
const serverEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PORT: String(PORT),
  DATABASE_URL: db.url,
  NEXTAUTH_URL: `http://localhost:${PORT}`,
  NEXTAUTH_SECRET: randomBytes(32).toString('base64url'),
  OAUTH_ALLOW_LOOPBACK_HTTP: '1',
  NODE_ENV: 'production',
  NEXT_TELEMETRY_DISABLED: '1',
};
try {
  const organizationId = randomUUID();
  const endpointId = randomUUID();
  await owner.query(`INSERT INTO organizations (id, name) VALUES ($1, 'Chaos')`, [organizationId]);
  await owner.query('INSERT INTO webhook_endpoints (id, organization_id, url, secret_sealed) VALUES ($1, $2, $3, $4)', [
    endpointId,
    organizationId,
    url,
    seal(`webhook-endpoint:${endpointId}`, Buffer.from(secret)),
  ]);
  servers.push(await startServer(['--import', 'tsx', 'server/index.ts'], serverEnv));

  const { rows } = await owner.query<{ id: string }>(
    `INSERT INTO events (id, organization_id, type, data)
     SELECT 'msg_' || translate(gen_random_uuid()::text, '-', ''), $1::uuid, 'webhook.test',
            jsonb_build_object('organization_id', $1::text, 'test', true)
     FROM generate_series(1, $2::int) RETURNING id`,
    [organizationId, EVENTS],
  );
  const ids = rows.map((row) => row.id);

  // Kill the instance while the receiver holds some of its requests: those attempts are never recorded.
  const started = Date.now();
  while (inFlight.size < 5 && Date.now() - started < 30_000) await sleep(5);
  const killedMidDelivery = [...inFlight];
  check(killedMidDelivery.length >= 5, `no deliveries were in flight to kill (${killedMidDelivery.length})`);
  const victim = servers.pop()!;
  victim.kill('SIGKILL');
  await new Promise((resolve) => victim.once('exit', resolve));
  inFlight = new Set();
  const before = received.size;
  servers.push(await startServer(['--import', 'tsx', 'server/index.ts'], serverEnv));

  const deadline = Date.now() + DEADLINE_MS;
  while (ids.some((id) => !received.has(id)) && Date.now() < deadline) await sleep(200);
  const missing = ids.filter((id) => !received.has(id));
  const resent = killedMidDelivery.filter((id) => (received.get(id) ?? 0) >= 1);
  console.log(
    JSON.stringify({
      events: EVENTS,
      delivered_before_kill: before,
      in_flight_at_kill: killedMidDelivery.length,
      in_flight_delivered_after: resent.length,
      missing: missing.length,
      duplicates: [...received.values()].reduce((n, times) => n + times - 1, 0),
      rejected_signatures: rejected,
      seconds: Math.round((Date.now() - started) / 100) / 10,
    }),
  );
  check(missing.length === 0, `${missing.length} of ${EVENTS} events were never delivered`);
  check(resent.length === killedMidDelivery.length, 'an attempt cut off by the kill was not sent again');
  check(rejected === 0, `${rejected} deliveries failed signature verification`);
} finally {
  for (const child of servers) await stopServer(child);
  receiver.close();
  await owner.end();
  await db.stop();
}

if (failures.length) {
  console.error(`chaos test (deliveries) FAILED:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log('chaos test (deliveries) passed: nothing lost when an instance was killed mid-delivery');
process.exit(0);
