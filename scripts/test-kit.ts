// npm run test:kit — the testing kit as a customer uses it: packs packages/testing with `npm pack`, installs the
// tarball into examples/customer-suite (its own project, npm registry and cache only, no workspace link),
// typechecks that suite against the published types, and runs it in four workers against the production build,
// started here on its own embedded database with the platform API on. Needs `npm run build` first. Arguments
// go to `playwright test` (`npm run test:kit -- tests/webhooks.spec.ts`).
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

const root = process.cwd();
const kitDir = path.join(root, 'packages/testing');
const suiteDir = path.join(root, 'examples/customer-suite');
const port = Number(process.env.KIT_PORT ?? 3500);
const portalUrl = `http://localhost:${port}`;

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build: run `npm run build` first (npm test does).');
  process.exit(1);
}

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? root, env: options.env ?? process.env, stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
  });
}

async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const started = Date.now();
  const result = await step();
  console.log(`test:kit: ${what} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

/** Resolves once the portal answers its sign-in page, or rejects if the server exits first. */
async function waitUntilServing(server: ChildProcess, deadlineMs: number) {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the portal exited with ${server.exitCode} before serving`);
    const answered = await fetch(`${portalUrl}/sign-in`).then(
      (response) => response.ok,
      () => false,
    );
    if (answered) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the portal did not serve ${portalUrl}/sign-in within ${deadlineMs / 1000} s`);
}

/**
 * A customer's suite meets a portal that has been serving for a while. A server that has just started loads
 * each route's code on its first request, so one tenant goes through what a worker's set-up does (made with
 * its admin's session, the pages and the token endpoint asked once, deleted) before the suite starts.
 */
async function warmUp(platformToken: string) {
  const headers = { authorization: `Bearer ${platformToken}`, 'content-type': 'application/json' };
  const created = await fetch(`${portalUrl}/api/platform/tenants`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'Warm-up', totp: true, session: true, testClock: true, ttlMinutes: 5 }),
  });
  if (created.status !== 201) throw new Error(`warming up: creating a tenant answered ${created.status}`);
  const tenant = (await created.json()) as {
    organizationId: string;
    clientId: string;
    admin: { session: { cookie: { name: string; value: string } } };
  };
  const { name, value } = tenant.admin.session.cookie;
  for (const page of ['/credentials', '/webhooks']) {
    await fetch(`${portalUrl}${page}`, { headers: { cookie: `${name}=${value}` } }).then((answer) => answer.text());
  }
  await fetch(`${portalUrl}/api/platform/tenants/${tenant.organizationId}/clock`, { headers });
  await fetch(`${portalUrl}/api/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: tenant.clientId, client_secret: 'x' }),
  });
  await fetch(`${portalUrl}/api/platform/tenants/${tenant.organizationId}`, { method: 'DELETE', headers });
}

function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  return exited;
}

await timed('kit packed and installed in the example suite', async () => {
  const packed = path.join(suiteDir, '.kit');
  await rm(packed, { recursive: true, force: true });
  await mkdir(packed, { recursive: true });
  // prepack builds dist/ with tsc; the tarball is exactly what would be published.
  await run('npm', ['pack', '--silent', '--pack-destination', packed], { cwd: kitDir });
  const { version } = (await import(path.join(kitDir, 'package.json'), { with: { type: 'json' } })).default as {
    version: string;
  };
  // The suite's package.json names a fixed file, as a customer's names the tarball they downloaded.
  await rename(
    path.join(packed, `credentials-console-testing-${version}.tgz`),
    path.join(packed, 'credentials-console-testing.tgz'),
  );
  // npm reinstalls a file: dependency only when it is missing; the tarball changes with every pack.
  await rm(path.join(suiteDir, 'node_modules/@credentials-console'), { recursive: true, force: true });
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: suiteDir });
});

await timed('example suite typechecked against the published types', () =>
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', suiteDir]),
);

const platformToken = randomBytes(32).toString('base64url');
const server = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--fresh'], {
  stdio: ['ignore', process.env.KIT_VERBOSE ? 'inherit' : 'ignore', 'inherit'],
  env: {
    ...process.env,
    PORT: String(port),
    NEXTAUTH_URL: portalUrl,
    DATABASE_URL: '',
    EMBEDDED_PG_DIR: process.env.KIT_PG_DIR ?? '.data/kit',
    EMBEDDED_PG_PORT: process.env.KIT_PG_PORT ?? '54399',
    PLATFORM_API_TOKEN: platformToken,
    // The suite's webhook receivers listen on http://127.0.0.1.
    OAUTH_ALLOW_LOOPBACK_HTTP: '1',
  },
});
let failed = false;
try {
  await timed('portal started', () => waitUntilServing(server, 120_000));
  await timed('portal warmed up', () => warmUp(platformToken));
  await timed('example suite ran', () =>
    run(path.join(suiteDir, 'node_modules/.bin/playwright'), ['test', ...process.argv.slice(2)], {
      cwd: suiteDir,
      env: {
        ...process.env,
        PORTAL_URL: portalUrl,
        PORTAL_PLATFORM_TOKEN: platformToken,
        WEBHOOK_RECEIVER_PORT: process.env.KIT_WEBHOOK_PORT ?? '0',
      },
    }),
  );
} catch (error) {
  failed = true;
  console.error(`test:kit: ${error instanceof Error ? error.message : error}`);
} finally {
  await stop(server);
}
process.exit(failed ? 1 : 0);
