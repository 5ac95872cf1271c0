// npm run test:chaos — the production server through a database outage. Drives token requests, /api/v1/me
// checks and page loads while PostgreSQL is stopped for 5 s, then frozen (SIGSTOP) for 5 s, and asserts that
// nothing answers 500, no valid token gets a 401, every refusal is a 503 with Retry-After, no request waits
// longer than the statement timeout + 1 s, and all three kinds succeed again within 2 s of the database's
// return. Needs a production build (npm test builds before it runs).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { embeddedSettings, startEmbeddedPostgres, type EmbeddedDatabase } from '@/lib/db/embedded';
import { urlAs } from '@/lib/db/roles';
import { databaseSettings } from '@/lib/db/settings';
import { postPassword, signInForCookie } from './sign-in-client';
import { waitFor } from './topology';

const PORT = Number(process.env.CHAOS_PORT ?? 3300);
const BASE = `http://localhost:${PORT}`;
const OUTAGE_MS = 5_000;
const RECOVERY_LIMIT_MS = 2_000;
const settings = databaseSettings();
const LATENCY_LIMIT_MS = settings.DB_STATEMENT_TIMEOUT_MS + 1_000;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  EMBEDDED_PG_DIR: process.env.CHAOS_PG_DIR ?? '.data/chaos',
  EMBEDDED_PG_PORT: process.env.CHAOS_PG_PORT ?? '54369',
  PORT: String(PORT),
  NEXTAUTH_URL: BASE,
  DATABASE_URL: '',
  MIGRATION_DATABASE_URL: '',
};
const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-password';

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm test does).');
  process.exit(1);
}

type Kind = 'token' | 'me' | 'page';
interface Sample {
  kind: Kind;
  start: number;
  end: number;
  status: number; // 0: no HTTP answer at all
  retryAfter: boolean;
  /** For a 503: the body is the designed page (pages) or RFC 6749's temporarily_unavailable (APIs). */
  designed503?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const samples: Sample[] = [];
let driving = true;
let portal: ChildProcess | undefined;
let database: EmbeddedDatabase | undefined;
let frozen: number[] = [];

async function timed(kind: Kind, request: () => Promise<Response>) {
  const start = Date.now();
  let status = 0;
  let retryAfter = false;
  let designed503: boolean | undefined;
  try {
    const response = await request();
    status = response.status;
    retryAfter = response.headers.has('retry-after');
    const body = await response.text();
    if (status === 503) {
      designed503 =
        kind === 'page'
          ? body.includes("We can't reach the service right now")
          : body.includes('"error":"temporarily_unavailable"');
    }
  } catch {
    status = 0;
  }
  samples.push({ kind, start, end: Date.now(), status, retryAfter, designed503 });
}

/** The postmaster and its children, from the data folder's postmaster.pid and /proc. */
function postgresPids(): number[] {
  const { dataDir } = embeddedSettings(env);
  const postmaster = Number(readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false;
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/** What the sign-in page would show during the outage: the password step's answer. */
async function signInError(): Promise<string | null> {
  const response = await postPassword(BASE, 'admin@acme.test', PASSWORD);
  if (response.ok) return null;
  const body = (await response.json().catch(() => ({}))) as { status?: string };
  return `${response.status} ${body.status ?? ''}`.trim();
}

/** An active secret of the demo organization, made through the data layer as the application role. */
async function activeCredential(): Promise<{ clientId: string; secret: string }> {
  process.env.DATABASE_URL = urlAs(database!.serverUrl, database!.roles.app, 'portal');
  const { prisma } = await import('@/lib/db');
  const { getActorByUserId } = await import('@/lib/data/users');
  const { createSecret } = await import('@/lib/data/secret-commands');
  const { activateCredential } = await import('@/lib/data/credential-commands');
  const admin = await prisma.user.findUniqueOrThrow({ where: { email: 'admin@acme.test' } });
  const actor = (await getActorByUserId({ userId: admin.id }))!;
  const created = await createSecret({ actor });
  if (!created.ok) throw new Error(created.message);
  const activated = await activateCredential({ actor, credentialId: created.secret.id });
  if (!activated.ok) throw new Error(activated.message);
  const client = await prisma.oAuthClient.findUniqueOrThrow({
    where: { organizationId: actor.membership!.organizationId },
  });
  await prisma.$disconnect();
  return { clientId: client.clientId, secret: created.plaintext };
}

async function drive(kind: Kind, request: () => Promise<Response>) {
  while (driving) {
    await timed(kind, request);
    await sleep(50);
  }
}

function firstSuccessAfter(kind: Kind, at: number): number | null {
  const success = samples
    .filter((s) => s.kind === kind && s.status === 200 && s.end >= at)
    .sort((a, b) => a.end - b.end)[0];
  return success ? success.end - at : null;
}

async function main() {
  await rm(embeddedSettings(env).root, { recursive: true, force: true });
  database = await startEmbeddedPostgres(env);
  // npm start's own script: it finds our server running on the folder, migrates, seeds and serves.
  portal = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  portal.stdout!.on('data', (chunk: Buffer) => (log += chunk));
  portal.stderr!.on('data', (chunk: Buffer) => (log += chunk));
  portal.once('exit', (code) => {
    if (driving) console.error(`portal exited (${code}) during the test:\n${log}`);
  });
  await waitFor(async () => (await fetch(`${BASE}/readyz`)).ok, 'the portal to be ready', 120_000, 200);

  const { clientId, secret } = await activeCredential();
  const basic = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
  const tokenRequest = () =>
    fetch(`${BASE}/api/oauth/token`, {
      method: 'POST',
      headers: { Authorization: basic, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(30_000),
    });
  const issued = await tokenRequest();
  if (!issued.ok) throw new Error(`token request failed before the outage: ${issued.status} ${await issued.text()}`);
  const { access_token: accessToken } = (await issued.json()) as { access_token: string };
  const cookie = await signInForCookie(BASE, 'admin@acme.test', PASSWORD);
  const me = () =>
    fetch(`${BASE}/api/v1/me`, {
      headers: { Authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(30_000),
    });
  const pageLoad = () =>
    fetch(`${BASE}/credentials`, {
      headers: { Cookie: cookie },
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
  for (const [name, check] of [
    ['/api/v1/me', me],
    ['/credentials', pageLoad],
  ] as const) {
    const response = await check();
    if (response.status !== 200) throw new Error(`${name} failed before the outage: ${response.status}`);
  }

  const drivers = [
    drive('token', tokenRequest),
    drive('token', tokenRequest),
    drive('me', me),
    drive('me', me),
    drive('page', pageLoad),
  ];
  await sleep(2_000);

  // Phase 1: PostgreSQL stopped (fast shutdown), then started again on the same folder.
  const stoppedAt = Date.now();
  await database.stop();
  await sleep(1_000);
  const signInDuringOutage = await signInError().catch((error: unknown) => `request failed: ${String(error)}`);
  await sleep(OUTAGE_MS - 1_000);
  const restartedAt = Date.now();
  database = await startEmbeddedPostgres(env);
  const backAfterStop = Date.now();
  await sleep(4_000);

  // Phase 2: PostgreSQL frozen: connections stay open, nothing answers.
  frozen = postgresPids();
  const frozenAt = Date.now();
  for (const pid of frozen) process.kill(pid, 'SIGSTOP');
  await sleep(OUTAGE_MS);
  thaw();
  const backAfterFreeze = Date.now();
  await sleep(4_000);
  driving = false;
  await Promise.all(drivers);

  const kinds: Kind[] = ['token', 'me', 'page'];
  const during = (s: Sample) =>
    (s.end >= stoppedAt && s.start <= backAfterStop + RECOVERY_LIMIT_MS) ||
    (s.end >= frozenAt && s.start <= backAfterFreeze + RECOVERY_LIMIT_MS);
  const counts = Object.fromEntries(
    kinds.map((kind) => {
      const mine = samples.filter((s) => s.kind === kind);
      const byStatus: Record<string, number> = {};
      for (const s of mine) byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      return [
        kind,
        {
          requests: mine.length,
          byStatus,
          duringOutage: mine.filter(during).length,
          maxMs: Math.max(...mine.map((s) => s.end - s.start)),
          recoveredAfterRestartMs: firstSuccessAfter(kind, backAfterStop),
          recoveredAfterThawMs: firstSuccessAfter(kind, backAfterFreeze),
        },
      ];
    }),
  );
  const failures: string[] = [];
  const serverErrors = samples.filter((s) => s.status >= 500 && s.status !== 503);
  if (serverErrors.length) failures.push(`${serverErrors.length} responses with a 5xx other than 503`);
  const wrong401 = samples.filter((s) => s.kind !== 'page' && s.status === 401);
  if (wrong401.length) failures.push(`${wrong401.length} 401s for valid credentials`);
  const unanswered = samples.filter((s) => s.status === 0);
  if (unanswered.length) failures.push(`${unanswered.length} requests without an HTTP answer`);
  const refusals = samples.filter((s) => s.status !== 200);
  const badRefusals = refusals.filter((s) => s.status !== 503 || !s.retryAfter || !s.designed503);
  if (badRefusals.length)
    failures.push(`${badRefusals.length} refusals that are not a 503 with Retry-After and the designed body`);
  const slow = samples.filter((s) => s.end - s.start > LATENCY_LIMIT_MS);
  if (slow.length) failures.push(`${slow.length} requests took longer than ${LATENCY_LIMIT_MS} ms`);
  if (signInDuringOutage !== '503 unavailable')
    failures.push(`sign-in during the outage answered ${signInDuringOutage}, not 503 unavailable`);
  for (const kind of kinds) {
    for (const key of ['recoveredAfterRestartMs', 'recoveredAfterThawMs'] as const) {
      const ms = counts[kind]![key];
      if (ms === null || ms > RECOVERY_LIMIT_MS) failures.push(`${kind}: ${key} = ${ms}`);
    }
    if (!samples.some((s) => s.kind === kind && s.status === 503))
      failures.push(`${kind}: never saw the outage (no 503)`);
  }

  console.log(
    JSON.stringify(
      {
        timeouts: {
          connectMs: settings.DB_CONNECT_TIMEOUT_MS,
          statementMs: settings.DB_STATEMENT_TIMEOUT_MS,
          latencyLimitMs: LATENCY_LIMIT_MS,
        },
        phases: {
          stoppedForMs: restartedAt - stoppedAt,
          restartTookMs: backAfterStop - restartedAt,
          frozenForMs: backAfterFreeze - frozenAt,
        },
        signInDuringOutage,
        total: samples.length,
        status500: samples.filter((s) => s.status === 500).length,
        status401: wrong401.length,
        status503: samples.filter((s) => s.status === 503).length,
        status503WithoutRetryAfter: samples.filter((s) => s.status === 503 && !s.retryAfter).length,
        counts,
      },
      null,
      2,
    ),
  );
  if (process.env.CHAOS_SAMPLES) {
    const t0 = samples[0]?.start ?? 0;
    const marks = { stoppedAt, restartedAt, backAfterStop, frozenAt, backAfterFreeze };
    const lines = [
      JSON.stringify(Object.fromEntries(Object.entries(marks).map(([k, v]) => [k, v - t0]))),
      ...samples.map((s) => `${s.start - t0}\t${s.end - s.start}\t${s.kind}\t${s.status}`),
    ];
    writeFileSync(process.env.CHAOS_SAMPLES, lines.join('\n'));
  }
  if (failures.length) {
    console.error(`chaos test FAILED:\n  ${failures.join('\n  ')}`);
    if (process.env.CHAOS_VERBOSE) console.error(log);
    process.exitCode = 1;
  } else {
    console.log('chaos test passed');
  }
}

function thaw() {
  for (const pid of [...frozen].reverse()) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // gone already
    }
  }
  frozen = [];
}

async function cleanUp() {
  driving = false;
  thaw();
  if (portal && portal.exitCode === null) {
    const exited = new Promise((resolve) => portal!.once('exit', resolve));
    portal.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
  }
  await database?.stop().catch(() => {});
}

main()
  .catch((error: unknown) => {
    console.error('chaos test could not run:', error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => void cleanUp().then(() => process.exit()));
