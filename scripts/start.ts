// npm start — runs the production build on every core (server/cluster.ts) on the embedded (or DATABASE_URL)
// database, migrated, and seeded when embedded.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { demoPassword, persistentSecret, runWithDatabase } from './database';
import { type MailCatcher, startMailCatcher } from './mail-catcher';
import { DEMO_USERS } from '@/lib/demo-users';
import { checkEnv, env } from '@/lib/env';

checkEnv();
const port = env.PORT;
const fresh = process.argv.includes('--fresh');

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build found: run `npm run build` first (npm start does it for you).');
  process.exit(1);
}

runWithDatabase(
  async (db) => {
    if (db.embedded || process.argv.includes('--seed')) {
      const { seedDemoData } = await import('@/lib/seed');
      const { prisma } = await import('@/lib/db');
      await seedDemoData({ password: demoPassword() });
      await prisma.$disconnect();
    }
    const url = env.NEXTAUTH_URL ?? `http://localhost:${port}`;
    // Without a mail server of yours, mail goes to a catcher you can read in the browser.
    const mail: MailCatcher | null = env.SMTP_URL
      ? null
      : await startMailCatcher({ directory: path.join(env.EMBEDDED_PG_DIR, 'mail') });
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/cluster.ts'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: db.url,
        NEXTAUTH_URL: url,
        NEXTAUTH_SECRET: await persistentSecret('NEXTAUTH_SECRET'),
        TOKEN_KEY_ENCRYPTION_KEY: await persistentSecret('TOKEN_KEY_ENCRYPTION_KEY'),
        ...(mail ? { SMTP_URL: mail.smtpUrl } : {}),
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
      },
    });
    // Signals may arrive more than once (from the terminal's process group and from a wrapper such as npm or
    // tsx): stay subscribed, stop once, and let the child's exit stop the database.
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      child.kill('SIGTERM');
    };
    process.removeAllListeners('SIGINT');
    process.removeAllListeners('SIGTERM');
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    child.once('exit', async (code) => {
      await mail?.stop().catch(() => {});
      await db.stop().catch(() => {});
      process.exit(code ?? 0);
    });

    console.log(`\nCustomer portal: ${url}/credentials`);
    console.log(`Database: ${db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`);
    console.log(
      mail ? `Mail: not sent anywhere (no SMTP_URL); read it at ${mail.webUrl}` : 'Mail: sent through SMTP_URL',
    );
    if (db.embedded) {
      const password = env.DEMO_PASSWORD ? '(the value of DEMO_PASSWORD)' : demoPassword();
      for (const user of DEMO_USERS) console.log(`  sign in as ${user.email} / ${password}`);
    }
    console.log('');
  },
  { fresh },
);
