import { existsSync } from 'node:fs';
import { defineConfig, devices, type PlaywrightTestConfig } from '@playwright/test';

/**
 * One of the two production servers the suite runs against. Each has its own database, seed, test clock and
 * SMTP port, so the two halves of the suite run at the same time without seeing each other's changes (the
 * demo organization's secrets and sessions, the moved clock). A spec reaches its own through
 * `thisServer()` (e2e/helpers.ts), never through these constants.
 */
export interface E2eServer {
  /** The project (half of the suite) that runs against it, and the prefix of its log lines. */
  name: 'a' | 'b';
  baseURL: string;
  /** The embedded PostgreSQL, which `orgCli` reuses while the server runs. */
  databasePort: number;
  databaseDir: string;
  /** e2e/webhook-deliveries.spec.ts runs an SMTP server on this port while its tests run. */
  smtpPort: number;
  /** The platform API's token: specs make and delete their tenants through it, as a customer's suite does. */
  platformToken: string;
}

/** Not a secret: it opens the platform API of the suite's own servers on localhost, and only during the run. */
const E2E_PLATFORM_TOKEN = 'e2e-suite-platform-token-for-localhost-only';

// The first server takes the ports given; the second the next port up of each.
const firstPort = Number(process.env.E2E_PORT ?? 3100);
const firstDatabasePort = Number(process.env.E2E_PG_PORT ?? 54339);
const firstSmtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525);

function server(name: E2eServer['name'], offset: number): E2eServer {
  return {
    name,
    baseURL: `http://localhost:${firstPort + offset}`,
    databasePort: firstDatabasePort + offset,
    databaseDir: `.data/e2e-${name}`,
    smtpPort: firstSmtpPort + offset,
    platformToken: E2E_PLATFORM_TOKEN,
  };
}

const servers = { a: server('a', 0), b: server('b', 1) };

/**
 * Half a: the accessibility spec (about 3 minutes alone) with shorter ones; half b: everything else, so that a
 * new spec always runs somewhere. Balanced by each spec's time in CI; rebalance when one half grows
 * (docs/testing.md has the figures).
 */
const halfA = [
  'accessibility',
  'webhook-deliveries',
  'account-security',
  'request-log',
  'sso',
  'token',
  'audit-log',
  'email-preferences',
  'security',
  'portal-address',
  'api/*',
].map((name) => `**/e2e/${name}.spec.ts`);

// Browsers cannot be downloaded on our machines: use Debian's Chromium when it is there,
// and Playwright's own browser elsewhere.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const runningAsRoot = process.getuid?.() === 0;

const chromium = {
  ...devices['Desktop Chrome'],
  viewport: { width: 1280, height: 800 },
  launchOptions: {
    executablePath: systemChromium,
    args: [
      ...(runningAsRoot ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

type WebServer = Extract<PlaywrightTestConfig['webServer'], unknown[]>[number];

function webServer(server: E2eServer): WebServer {
  return {
    name: `server ${server.name}`,
    command: 'node --import tsx scripts/start.ts --fresh',
    url: `${server.baseURL}/sign-in`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(new URL(server.baseURL).port),
      EMBEDDED_PG_DIR: server.databaseDir,
      EMBEDDED_PG_PORT: String(server.databasePort),
      PLATFORM_API_TOKEN: server.platformToken,
      NEXTAUTH_URL: server.baseURL,
      DATABASE_URL: '',
      // The suite adds more secrets than a customer may keep; usage is written every second to be seen quickly.
      MAX_SECRETS_PER_CLIENT: '200',
      USAGE_FLUSH_MS: '1000',
      // Lets the suite move the server's account-security clock (re-authentication windows); npm start never sets it.
      TEST_CLOCK: '1',
      // The suite signs in faster than a person; the flood test still meets the door's 503.
      SIGN_IN_ATTEMPTS_PER_SECOND: '5',
      // One worker: the test clock is per process, and a second worker would not see it move.
      WEB_CONCURRENCY: '1',
      // The trusted-workload test runs a local OIDC issuer (tests/helpers/oidc-issuer.ts) on http://127.0.0.1.
      OAUTH_ALLOW_LOOPBACK_HTTP: '1',
      // Mail goes to the SMTP server e2e/webhook-deliveries.spec.ts runs in the test process. While no spec
      // listens there, mails fail to connect and wait in the email queue for their retries.
      SMTP_URL: `smtp://127.0.0.1:${server.smtpPort}`,
    },
  };
}

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  // One worker per half: the specs of a half share its server's demo users and test clock, so they take turns.
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'a', testMatch: halfA, workers: 1, metadata: servers.a, use: { ...chromium, baseURL: servers.a.baseURL } },
    { name: 'b', testIgnore: halfA, workers: 1, metadata: servers.b, use: { ...chromium, baseURL: servers.b.baseURL } },
  ],
  // Playwright starts them one after the other and stops both at the end, whichever projects run.
  webServer: [webServer(servers.a), webServer(servers.b)],
});
