import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '@/lib/generated/prisma/client';

// The one Prisma client of the process; kept on globalThis so that dev-mode reloads reuse its pool.
// The pool connects on first query, so importing this during `next build` needs no database.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const prisma: PrismaClient =
  globalForPrisma.prisma ??
  new PrismaClient({
    adapter: new PrismaPg({
      connectionString: process.env.DATABASE_URL,
      max: Number(process.env.DB_POOL_SIZE ?? 10),
      // Timestamps travel as UTC text without an offset: the session must read them as UTC.
      options: '-c TimeZone=UTC',
    }),
  });
globalForPrisma.prisma = prisma;
