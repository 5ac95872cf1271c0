// npm run db:seed — seeds the demo organization and users; the one way to seed an external DATABASE_URL.
import { demoPassword, runWithDatabase } from './database';

runWithDatabase(async (db) => {
  const { seedDemoData } = await import('@/lib/seed');
  const { prisma } = await import('@/lib/db');
  await seedDemoData({ password: demoPassword() });
  await prisma.$disconnect();
  console.log('Demo data seeded.');
  await db.stop();
  process.exit(0);
});
