import { existsSync } from 'node:fs';
import type { KitOptions } from '@credentials-console/testing';
import { defineConfig, devices } from '@playwright/test';

// The portal and its platform token come from PORTAL_URL and PORTAL_PLATFORM_TOKEN; the kit reads them.
const systemChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));
const runningAsRoot = process.getuid?.() === 0;

export default defineConfig<object, KitOptions>({
  testDir: './tests',
  fullyParallel: true,
  // Four workers, four tenants: each worker makes its own and deletes it when it stops.
  workers: 4,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 45_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['./setup-time-reporter.ts', { maxMs: 1_500 }]],
  use: {
    baseURL: process.env.PORTAL_URL,
    trace: 'retain-on-failure',
    // Receivers on fixed ports (this one plus the worker's index) when set, any free port otherwise.
    webhookReceiver: { port: Number(process.env.WEBHOOK_RECEIVER_PORT ?? 0) },
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: systemChromium,
          args: runningAsRoot ? ['--no-sandbox'] : [],
        },
      },
    },
  ],
});
