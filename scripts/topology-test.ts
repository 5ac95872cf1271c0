// npm run test:topology — the many-machines topology (scripts/topology.ts: HAProxy with deploy/haproxy.cfg in
// front of three instances on one embedded PostgreSQL), on loopback. Checks that
//   1. a secret deactivated through HAProxy (a server action on whichever instance it picks) is refused on
//      the very next request at each instance, asked directly, while another secret still works there;
//   2. a rolling restart of all three instances, one at a time (SIGTERM, exit, start, ready, back in
//      HAProxy's rotation), under ~300 token requests/s through HAProxy, fails no request.
// Prints the counts. Needs a production build (npm test builds before it runs) and haproxy on the PATH
// (.ci/run installs Debian's package).
import { existsSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import autocannon from 'autocannon';
import { persistentSecret, prepareDatabase } from './database';
import { Topology, haproxyAvailable } from './topology';
import { signInForCookie } from './sign-in-client';
import { embeddedSettings } from '@/lib/db/embedded';

const BALANCER_PORT = Number(process.env.TOPOLOGY_PORT ?? 4020);
const INSTANCE_PORTS = [1, 2, 3].map((n) => BALANCER_PORT + n);
const STATS_PORT = BALANCER_PORT + 4;
const RATE = Number(process.env.TOPOLOGY_RATE ?? 300);
process.env.EMBEDDED_PG_DIR = process.env.TOPOLOGY_PG_DIR ?? '.data/topology';
process.env.EMBEDDED_PG_PORT = process.env.TOPOLOGY_PG_PORT ?? '63379';
process.env.DATABASE_URL = '';
process.env.MIGRATION_DATABASE_URL = '';
const PASSWORD = process.env.DEMO_PASSWORD ?? 'demo-password';

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm test does).');
  process.exit(1);
}
if (!haproxyAvailable()) {
  console.error('topology test: haproxy is not installed (apt-get install -y haproxy; .ci/run does it).');
  process.exit(1);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let topology: Topology | undefined;
let stopDatabase: (() => Promise<void>) | undefined;

/** Two active secrets of the demo organization, made through the data layer as the application role. */
async function credentials(databaseUrl: string) {
  process.env.DATABASE_URL = databaseUrl;
  const { seedDemoData } = await import('@/lib/seed');
  const { prisma } = await import('@/lib/db');
  const { getActorByUserId } = await import('@/lib/data/users');
  const { createSecret } = await import('@/lib/data/secret-commands');
  const { activateCredential } = await import('@/lib/data/credential-commands');
  await seedDemoData({ password: PASSWORD });
  const admin = await prisma.user.findUniqueOrThrow({ where: { email: 'admin@acme.test' } });
  const actor = (await getActorByUserId({ userId: admin.id }))!;
  const make = async () => {
    const created = await createSecret({ actor });
    if (!created.ok) throw new Error(created.message);
    const activated = await activateCredential({ actor, credentialId: created.secret.id });
    if (!activated.ok) throw new Error(activated.message);
    return { id: created.secret.id, value: created.plaintext };
  };
  const [load, revoked] = [await make(), await make()];
  const client = await prisma.oAuthClient.findUniqueOrThrow({
    where: { organizationId: actor.membership!.organizationId },
  });
  await prisma.$disconnect();
  return { clientId: client.clientId, load, revoked };
}

const tokenBody = (clientId: string, secret: string) =>
  new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: secret }).toString();

async function tokenStatus(base: string, body: string): Promise<number> {
  const response = await fetch(`${base}/api/oauth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** The credentials page's "Deactivate" (a server action), called as the browser calls it, through HAProxy. */
async function deactivateThroughBalancer(base: string, cookie: string, credentialId: string): Promise<string> {
  const manifest = JSON.parse(readFileSync('.next/server/server-reference-manifest.json', 'utf8')) as {
    node: Record<string, { filename: string; exportedName: string }>;
  };
  const actionId = Object.entries(manifest.node).find(
    ([, action]) =>
      action.filename === 'app/(portal)/credentials/actions.ts' && action.exportedName === 'deactivateCredentialAction',
  )?.[0];
  if (!actionId) throw new Error('deactivateCredentialAction is not in the build');
  const response = await fetch(`${base}/credentials`, {
    method: 'POST',
    headers: {
      'Next-Action': actionId,
      'Content-Type': 'text/plain;charset=UTF-8',
      Accept: 'text/x-component',
      Origin: base,
      Cookie: cookie,
    },
    body: JSON.stringify([{ credentialId }]),
  });
  const text = await response.text();
  if (response.status !== 200 || !text.includes('"ok":true'))
    throw new Error(`deactivation through HAProxy failed: ${response.status} ${text.slice(0, 300)}`);
  return text;
}

async function main() {
  const failures: string[] = [];
  await rm(embeddedSettings().root, { recursive: true, force: true });
  const db = await prepareDatabase();
  stopDatabase = db.stop;
  const { clientId, load, revoked } = await credentials(db.url);
  topology = new Topology({
    balancerPort: BALANCER_PORT,
    statsPort: STATS_PORT,
    instancePorts: INSTANCE_PORTS,
    databaseUrl: db.url,
    nextAuthSecret: await persistentSecret('NEXTAUTH_SECRET'),
    tokenKeyEncryptionKey: await persistentSecret('TOKEN_KEY_ENCRYPTION_KEY'),
    output: 'pipe',
  });
  await topology.start();
  const balancer = topology.url;
  const direct = topology.instances.map((instance) => instance.url);

  // 1. Revocation through the balancer, seen by every instance on its very next request.
  const loadBody = tokenBody(clientId, load.value);
  const revokedBody = tokenBody(clientId, revoked.value);
  const before = await Promise.all(direct.map((url) => tokenStatus(url, revokedBody)));
  const viaBalancer = await tokenStatus(topology.url, revokedBody);
  const cookie = await signInForCookie(topology.url, 'admin@acme.test', PASSWORD);
  await deactivateThroughBalancer(topology.url, cookie, revoked.id);
  const after: number[] = [];
  for (const url of direct) after.push(await tokenStatus(url, revokedBody));
  const otherSecret = await Promise.all(direct.map((url) => tokenStatus(url, loadBody)));
  const revocation = { before, viaBalancer, afterDeactivation: after, otherSecretAfter: otherSecret };
  if (before.some((s) => s !== 200) || viaBalancer !== 200)
    failures.push(`the secret did not work before its deactivation: ${JSON.stringify(revocation)}`);
  if (after.some((s) => s !== 401))
    failures.push(`an instance accepted the deactivated secret: ${JSON.stringify(after)}`);
  if (otherSecret.some((s) => s !== 200))
    failures.push(`another secret was refused after the deactivation: ${JSON.stringify(otherSecret)}`);

  // 2. Rolling restart under load through HAProxy.
  const statuses: Record<string, number> = {};
  let cannon: autocannon.Instance | undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    cannon = autocannon(
      {
        url: `${balancer}/api/oauth/token`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: loadBody,
        connections: 30,
        overallRate: RATE,
        duration: 600,
        timeout: 10,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  cannon!.on('response', (_client: unknown, statusCode: number) => {
    statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
  });
  await sleep(3_000);
  const restarts = [];
  const startedAt = Date.now();
  for (let i = 0; i < topology.instances.length; i++) {
    const restart = await topology.restartInstance(i);
    restarts.push({ instance: `portal${i + 1}`, ...restart });
    if (restart.exitCode !== 0) failures.push(`portal${i + 1} exited with ${restart.exitCode}`);
    if (restart.stopMs > 10_000) failures.push(`portal${i + 1} took ${restart.stopMs} ms to stop`);
  }
  const restartMs = Date.now() - startedAt;
  await sleep(3_000);
  cannon!.stop();
  const result = await finished;

  const ok = statuses['200'] ?? 0;
  const non200 = Object.entries(statuses)
    .filter(([code]) => code !== '200')
    .reduce((n, [, count]) => n + count, 0);
  const rollingRestart = {
    targetRate: RATE,
    seconds: Math.round(result.duration),
    achievedRate: Math.round(result.requests.average),
    requests: ok + non200,
    status200: ok,
    non200,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    restartAllMs: restartMs,
    restarts,
  };
  const failed = non200 + result.errors + result.timeouts;
  if (failed > 0) failures.push(`${failed} failed requests during the rolling restart`);
  if (ok < RATE * 10) failures.push(`only ${ok} successful requests: the load did not run`);

  console.log(JSON.stringify({ revocation, rollingRestart }, null, 2));
  console.log(
    `rolling restart through HAProxy: ${rollingRestart.requests} token requests, ${ok} answered 200, ` +
      `${failed} failed (${non200} non-200, ${result.errors} errors, ${result.timeouts} timeouts)`,
  );
  if (failures.length) {
    console.error(`topology test FAILED:\n  ${failures.join('\n  ')}`);
    if (process.env.TOPOLOGY_VERBOSE) console.error(topology.logs());
    process.exitCode = 1;
  } else {
    console.log('topology test passed');
  }
}

main()
  .catch((error: unknown) => {
    console.error('topology test could not run:', error instanceof Error ? error.message : error);
    if (topology && process.env.TOPOLOGY_VERBOSE) console.error(topology.logs());
    process.exitCode = 1;
  })
  .finally(async () => {
    await topology?.stop().catch(() => {});
    await stopDatabase?.().catch(() => {});
    process.exit();
  });
