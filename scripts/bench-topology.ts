// npm run bench:topology — the figures in docs/scaling.md: token requests/s at one instance directly and
// through HAProxy in front of three (scripts/topology.ts), resident memory per instance, PostgreSQL
// connections per instance, and the rows written per second while the load runs.
import { existsSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { persistentSecret, prepareDatabase } from './database';
import { Topology } from './topology';
import { embeddedSettings } from '@/lib/db/embedded';

const BALANCER_PORT = Number(process.env.BENCH_TOPOLOGY_PORT ?? 4030);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
process.env.EMBEDDED_PG_DIR = process.env.BENCH_TOPOLOGY_PG_DIR ?? '.data/bench-topology';
process.env.EMBEDDED_PG_PORT = process.env.BENCH_TOPOLOGY_PG_PORT ?? '63389';
process.env.DATABASE_URL = '';
process.env.MIGRATION_DATABASE_URL = '';

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm run bench:topology does).');
  process.exit(1);
}

/** Resident memory of a process and its descendants (the cluster primary and its worker), in MB. */
function residentMb(pid: number): number {
  const children = (p: number): number[] => {
    try {
      return readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]!));
  const kb = all.reduce((sum, p) => {
    const match = readFileSync(`/proc/${p}/status`, 'utf8').match(/VmRSS:\s+(\d+)/);
    return sum + Number(match?.[1] ?? 0);
  }, 0);
  return Math.round(kb / 1024);
}

async function tableWrites(sql: pg.Client): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ relname: string; n: string }>(
    'SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables',
  );
  const { rows: commits } = await sql.query<{ n: string }>(
    'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return { ...Object.fromEntries(rows.map((r) => [r.relname, Number(r.n)])), commits: Number(commits[0]!.n) };
}

async function main() {
  await rm(embeddedSettings().root, { recursive: true, force: true });
  const db = await prepareDatabase();
  process.env.DATABASE_URL = db.url;
  const { prisma } = await import('@/lib/db');
  const { seedDemoData } = await import('@/lib/seed');
  const { getActorByUserId } = await import('@/lib/data/users');
  const { createSecret } = await import('@/lib/data/secret-commands');
  const { activateCredential } = await import('@/lib/data/credential-commands');
  await seedDemoData({ password: 'demo-password' });
  const admin = await prisma.user.findUniqueOrThrow({ where: { email: 'admin@acme.test' } });
  const actor = (await getActorByUserId({ userId: admin.id }))!;
  const created = await createSecret({ actor });
  if (!created.ok) throw new Error(created.message);
  await activateCredential({ actor, credentialId: created.secret.id });
  const client = await prisma.oAuthClient.findUniqueOrThrow({
    where: { organizationId: actor.membership!.organizationId },
  });
  await prisma.$disconnect();
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: client.clientId,
    client_secret: created.plaintext,
  }).toString();

  const topology = new Topology({
    balancerPort: BALANCER_PORT,
    statsPort: BALANCER_PORT + 4,
    instancePorts: [1, 2, 3].map((n) => BALANCER_PORT + n),
    databaseUrl: db.url,
    nextAuthSecret: await persistentSecret('NEXTAUTH_SECRET'),
    tokenKeyEncryptionKey: await persistentSecret('TOKEN_KEY_ENCRYPTION_KEY'),
    output: 'pipe',
  });
  const sql = new pg.Client({ connectionString: db.ownerUrl });
  try {
    await topology.start();
    await sql.connect();
    const connections = async () =>
      (
        await sql.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE usename = 'portal_app' AND datname = 'portal'",
        )
      ).rows[0]!.n;
    const idle = { connections: await connections(), rssMb: topology.instances.map((i) => residentMb(i.process.pid!)) };
    const run = (url: string, duration = SECONDS) =>
      autocannon({
        url: `${url}/api/oauth/token`,
        method: 'POST',
        connections: 50,
        duration,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });
    await run(topology.url, 3); // warm-up: JIT, caches, pools
    const one = await run(topology.instances[0]!.url);
    const before = await tableWrites(sql);
    const startedAt = Date.now();
    // Sampled mid-run: the pools shrink again when idle.
    const midRun = new Promise<number>((resolve) => setTimeout(() => resolve(connections()), (SECONDS * 1000) / 2));
    const three = await run(topology.url);
    const connectionsUnderLoad = await midRun;
    await new Promise((resolve) => setTimeout(resolve, 12_000)); // one usage flush (USAGE_FLUSH_MS) and stats
    const after = await tableWrites(sql);
    const seconds = (Date.now() - startedAt) / 1000;
    const writesPerSecond = Object.fromEntries(
      Object.entries(after)
        .map(([table, n]) => [table, Math.round(((n - (before[table] ?? 0)) / seconds) * 10) / 10])
        .filter(([, n]) => (n as number) > 0),
    );
    const figures = {
      cores: (await import('node:os')).availableParallelism(),
      idle,
      loaded: { connections: connectionsUnderLoad, rssMb: topology.instances.map((i) => residentMb(i.process.pid!)) },
      oneInstanceDirect: {
        requestsPerSecond: Math.round(one.requests.average),
        p99Ms: one.latency.p99,
        non2xx: one.non2xx,
      },
      threeThroughHaproxy: {
        requestsPerSecond: Math.round(three.requests.average),
        p99Ms: three.latency.p99,
        non2xx: three.non2xx,
      },
      rowsWrittenPerSecondDuringAndAfterTheHaproxyRun: { seconds: Math.round(seconds), ...writesPerSecond },
    };
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await sql.end().catch(() => {});
    await topology.stop();
    await db.stop();
  }
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(() => process.exit());
