import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateCredential, deactivateCredential, deleteCredential } from '@/lib/data/credential-commands';
import { prisma } from '@/lib/db';
import { SCHEDULER_LOCK_KEY } from '@/lib/db/leader-lock';
import { organizationWithAdmin } from '../helpers/fixtures';

interface Cluster {
  port: number;
  primary: ChildProcess;
  /** Everything the primary and its workers printed so far. */
  log: () => string;
  /** Pids of the workers that have said they listen and have not been seen to exit. */
  workers: () => number[];
  exited: Promise<number | null>;
}

const started: ChildProcess[] = [];
// Whatever a failed test left running.
afterAll(() => {
  for (const primary of started) if (primary.exitCode === null) primary.kill('SIGKILL');
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor(what: string, check: () => boolean | Promise<boolean>, timeout: number) {
  const until = Date.now() + timeout;
  while (
    !(await Promise.resolve()
      .then(check)
      .catch(() => false))
  ) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The production cluster's primary with WEB_CONCURRENCY workers of tests/helpers/cluster-worker.ts. */
async function startCluster(extra: Record<string, string> = {}): Promise<Cluster> {
  const port = await freePort();
  const primary = spawn(process.execPath, ['--import', 'tsx', 'server/cluster.ts', 'tests/helpers/cluster-worker.ts'], {
    env: {
      ...process.env,
      PORT: String(port),
      WEB_CONCURRENCY: '2',
      // Refusals here are the point; the failure limiter (tested elsewhere) must not turn them into 429s.
      TOKEN_FAILURES_PER_CLIENT: '10000',
      TOKEN_FAILURES_PER_ADDRESS: '10000',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(primary);
  let log = '';
  primary.stdout!.on('data', (chunk: Buffer) => (log += chunk));
  primary.stderr!.on('data', (chunk: Buffer) => (log += chunk));
  const exited = new Promise<number | null>((resolve) => primary.once('exit', (code) => resolve(code)));
  const workers = () => {
    const listening = [...log.matchAll(/worker (\d+) listening/g)].map((m) => Number(m[1]));
    const gone = new Set([...log.matchAll(/worker (\d+) exited/g)].map((m) => Number(m[1])));
    return listening.filter((pid) => !gone.has(pid));
  };
  const cluster = { port, primary, log: () => log, workers, exited };
  const count = Number(extra.WEB_CONCURRENCY ?? 2);
  await waitFor(`${count} workers to listen:\n${log}`, () => workers().length === count, 45_000);
  await waitFor('/readyz', async () => (await call(cluster, 'GET', '/readyz')).status === 200, 10_000);
  return cluster;
}

/** One request on a connection of its own, so that the primary hands each to the next worker in turn. */
function call(
  cluster: Pick<Cluster, 'port'>,
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; worker: number; headers: http.IncomingHttpHeaders; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: cluster.port,
        method,
        path,
        agent: false,
        headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {},
      },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, worker: Number(res.headers['x-worker']), headers: res.headers, text }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function tokenCredentials() {
  const acme = await organizationWithAdmin('Acme');
  const secret = await acme.secret('ACTIVE');
  const body = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: acme.clientId,
    client_secret: secret.value,
  }).toString();
  return { acme, secret, body };
}

/** The lock's holders: `leader-lock <pid>` of each session holding the scheduler's advisory lock. */
async function lockHolders(): Promise<string[]> {
  const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await sql.connect();
  try {
    const { rows } = await sql.query<{ name: string }>(
      `SELECT a.application_name AS name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND l.granted AND l.objid = $1
         AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      [SCHEDULER_LOCK_KEY],
    );
    return rows.map((row) => row.name);
  } finally {
    await sql.end();
  }
}

const leaders = (log: string) => [...log.matchAll(/scheduler: process (\d+) leads/g)].map((m) => Number(m[1]));

describe('the production cluster (server/cluster.ts)', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    cluster?.primary.kill('SIGTERM');
    await cluster?.exited;
  });

  it('refuses a deactivated or deleted secret on the next request at every worker', async () => {
    const { acme, secret, body } = await tokenCredentials();
    const token = () => call(cluster, 'POST', '/api/oauth/token', body);
    /** Requests until every worker has answered at least once (round robin: a few); every status they gave. */
    const fromEveryWorker = async () => {
      const statuses: number[] = [];
      const seen = new Set<number>();
      const workers = cluster.workers();
      for (let i = 0; i < 30 && !workers.every((pid) => seen.has(pid)); i++) {
        const answer = await token();
        statuses.push(answer.status);
        seen.add(answer.worker);
      }
      expect([...seen].sort()).toEqual([...workers].sort());
      return [...new Set(statuses)];
    };

    // Every worker has verified (and cached) the secret.
    expect(await fromEveryWorker()).toEqual([200]);
    expect(await fromEveryWorker()).toEqual([200]);

    // A change made outside the data layer reaches each worker's cache through the trigger alone.
    const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await sql.connect();
    await sql.query(`UPDATE secrets SET status = 'DISABLED' WHERE id = $1`, [secret.id]);
    await sql.end();
    await expect.poll(async () => (await token()).status, { timeout: 2000, interval: 5 }).toBe(401);
    expect(await fromEveryWorker()).toEqual([401]);

    // Through the data layer the change returns only when every worker has acknowledged it.
    for (let round = 0; round < 5; round++) {
      await activateCredential({ actor: acme.actor, credentialId: secret.id });
      expect(await fromEveryWorker()).toEqual([200]);
      await deactivateCredential({ actor: acme.actor, credentialId: secret.id });
      expect(await fromEveryWorker()).toEqual([401]);
    }
    await deleteCredential({ actor: acme.actor, credentialId: secret.id });
    expect(await fromEveryWorker()).toEqual([401]);
  });

  it('runs the scheduled jobs in one worker, and another takes over within seconds when it dies', async () => {
    await expect.poll(() => leaders(cluster.log()).length, { timeout: 10_000 }).toBe(1);
    const [first] = leaders(cluster.log()) as [number];
    expect(cluster.workers()).toContain(first);
    expect(await lockHolders()).toEqual([`leader-lock ${first}`]);

    process.kill(first, 'SIGKILL');
    const killedAt = Date.now();
    await expect.poll(() => leaders(cluster.log()).length, { timeout: 8_000, interval: 50 }).toBe(2);
    const takeover = Date.now() - killedAt;
    const second = leaders(cluster.log())[1]!;
    expect(second).not.toBe(first);
    expect(takeover).toBeLessThan(5_000);
    expect(await lockHolders()).toEqual([`leader-lock ${second}`]);

    // The primary replaces the dead worker; the newcomer competes but does not lead while the leader lives.
    await expect.poll(() => cluster.workers().length, { timeout: 30_000, interval: 100 }).toBe(2);
    expect(cluster.workers()).not.toContain(first);
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(leaders(cluster.log())).toEqual([first, second]);
    expect(await lockHolders()).toEqual([`leader-lock ${second}`]);
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('turns /readyz 503 at once, finishes in-flight requests, writes the usage and exits within 10 s', async () => {
    const cluster = await startCluster({ SHUTDOWN_DRAIN_MS: '1500', USAGE_FLUSH_MS: '3600000' });
    const { secret, body } = await tokenCredentials();
    const used = async () =>
      (await prisma.credentialUsage.aggregate({ where: { credentialId: secret.id }, _sum: { count: true } }))._sum
        .count ?? 0;
    for (let i = 0; i < 6; i++) expect((await call(cluster, 'POST', '/api/oauth/token', body)).status).toBe(200);
    expect(await used()).toBe(0);

    const inFlight = call(cluster, 'GET', '/slow?ms=3000');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const stoppedAt = Date.now();
    cluster.primary.kill('SIGTERM');

    await expect
      .poll(async () => (await call(cluster, 'GET', '/readyz')).status, { timeout: 500, interval: 20 })
      .toBe(503);
    const ready = await call(cluster, 'GET', '/readyz');
    expect(ready.headers['retry-after']).toBeTruthy();
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'draining' });
    // While draining, requests are still served (a balancer has not yet noticed), on connections that close.
    const during = await call(cluster, 'POST', '/api/oauth/token', body);
    expect(during.status).toBe(200);
    expect(during.headers.connection).toBe('close');

    expect(await inFlight).toMatchObject({ status: 200, text: 'done' });
    expect(await cluster.exited).toBe(0);
    expect(Date.now() - stoppedAt).toBeLessThan(10_000);
    expect(cluster.log().match(/shutdown: process \d+ stopped/g)).toHaveLength(2);
    expect(await used()).toBe(7);
  }, 60_000);
});
