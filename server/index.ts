// The production server's worker: Next.js for the portal behind server/instance.ts (token endpoint, health
// checks, graceful shutdown). server/cluster.ts runs one per core; it also runs on its own.
import next from 'next';
import { startInstance } from '@/server/instance';
import { checkEnv, env, testSettingWarnings } from '@/lib/env';

// A bad variable stops the start here, named, rather than at its first use.
checkEnv();
const port = env.PORT;
const app = next({ dev: false, dir: process.cwd(), port, hostname: 'localhost' });
await app.prepare();
const handle = app.getRequestHandler();

startInstance({
  handle,
  onListening: () => console.log(`▲ Next.js ready on http://localhost:${port} (process ${process.pid})`),
});
for (const warning of testSettingWarnings()) console.warn(warning);
