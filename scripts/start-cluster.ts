// npm run start:cluster — the many-machines topology on this host: the embedded (or DATABASE_URL) database,
// migrated and seeded once as `npm start` does, three instances of the production server and HAProxy in
// front of them (deploy/haproxy.cfg). Ctrl-C stops HAProxy and each instance gracefully.
import { existsSync } from 'node:fs';
import { demoPassword, persistentSecret, runWithDatabase } from './database';
import { Topology, haproxyAvailable } from './topology';
import { DEMO_USERS } from '@/lib/demo-users';
import { env } from '@/lib/env';

const BALANCER_PORT = Number(process.env.CLUSTER_PORT ?? 4010);
const INSTANCE_PORTS = [1, 2, 3].map((n) => BALANCER_PORT + n);
const STATS_PORT = Number(process.env.CLUSTER_STATS_PORT ?? BALANCER_PORT + 4);

if (!existsSync('.next/BUILD_ID')) {
  console.error('No production build found: run `npm run build` first (npm run start:cluster does it for you).');
  process.exit(1);
}
if (!haproxyAvailable()) {
  console.error('HAProxy is not installed: apt-get install -y haproxy (Debian), or your system’s package.');
  process.exit(1);
}

runWithDatabase(async (db) => {
  if (db.embedded || process.argv.includes('--seed')) {
    const { seedDemoData } = await import('@/lib/seed');
    const { prisma } = await import('@/lib/db');
    await seedDemoData({ password: demoPassword() });
    await prisma.$disconnect();
  }
  const topology = new Topology({
    balancerPort: BALANCER_PORT,
    statsPort: STATS_PORT,
    instancePorts: INSTANCE_PORTS,
    databaseUrl: db.url,
    nextAuthSecret: await persistentSecret('NEXTAUTH_SECRET'),
    tokenKeyEncryptionKey: await persistentSecret('TOKEN_KEY_ENCRYPTION_KEY'),
  });
  // Signals may arrive more than once (from the terminal's process group and from npm): stop once.
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping HAProxy and the instances…');
    void topology
      .stop()
      .then(() => db.stop())
      .finally(() => process.exit(0));
  };
  process.removeAllListeners('SIGINT');
  process.removeAllListeners('SIGTERM');
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  await topology.start();

  console.log(`\nCustomer portal through HAProxy: ${topology.url}/credentials`);
  console.log(`Instances: ${topology.instances.map((instance) => instance.url).join(', ')}`);
  console.log(`HAProxy statistics: http://127.0.0.1:${STATS_PORT}/`);
  console.log(`Database: ${db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}`);
  if (db.embedded) {
    const password = env.DEMO_PASSWORD ? '(the value of DEMO_PASSWORD)' : demoPassword();
    for (const user of DEMO_USERS) console.log(`  sign in as ${user.email} / ${password}`);
  }
  console.log('');
});
