import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const port = Number(process.env.E2E_PORT ?? 3100);
/** e2e/webhook-deliveries.spec.ts runs an SMTP server on this port while its tests run. */
export const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 2525);
export const baseURL = `http://localhost:${port}`;

// Browsers cannot be downloaded on our machines: use Debian's Chromium when it is there,
// and Playwright's own browser elsewhere.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const runningAsRoot = process.getuid?.() === 0;

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
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
      },
    },
  ],
  webServer: {
    command: 'node --import tsx scripts/start.ts --fresh',
    url: `${baseURL}/sign-in`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    env: {
      PORT: String(port),
      EMBEDDED_PG_DIR: '.data/e2e',
      EMBEDDED_PG_PORT: process.env.E2E_PG_PORT ?? '54339',
      NEXTAUTH_URL: baseURL,
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
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    },
  },
});
