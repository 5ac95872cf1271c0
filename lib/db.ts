import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '@/lib/generated/prisma/client';
import { connectionConfig } from '@/lib/db/settings';
import { noteDatabaseFailure, noteDatabaseSuccess } from '@/lib/db/availability';
import { env } from '@/lib/env';
import { inspectPrivileges, type PrivilegeReport } from '@/lib/db/roles';

// The one Prisma client of the process; kept on globalThis so that dev-mode reloads reuse its pool.
// The pool connects on first query, so importing this during `next build` needs no database.
const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

/** A pool with the timeouts of lib/db/settings.ts that reports whether the database answers. */
function observedPool(): pg.Pool {
  const pool = new pg.Pool(connectionConfig(env.DATABASE_URL));
  const observe = <T>(result: T): T => {
    if (result instanceof Promise) {
      result.then(noteDatabaseSuccess, noteDatabaseFailure);
    }
    return result;
  };
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  const connect = pool.connect.bind(pool) as (...args: unknown[]) => unknown;
  Object.assign(pool, {
    query: (...args: unknown[]) => observe(query(...args)),
    connect: (...args: unknown[]) => observe(connect(...args)),
  });
  // An idle connection dropped by the server must not crash the process: note it, the pool replaces it.
  pool.on('error', noteDatabaseFailure);
  return pool;
}

export const prisma: PrismaClient =
  globalForPrisma.prisma ??
  new PrismaClient({
    adapter: new PrismaPg(observedPool(), { onPoolError: noteDatabaseFailure, onConnectionError: noteDatabaseFailure }),
  });
globalForPrisma.prisma = prisma;

/** Whether the database answers a trivial query now (the readiness check). */
export function databaseAnswers(): Promise<boolean> {
  return prisma.$queryRaw`SELECT 1`.then(
    () => true,
    () => false,
  );
}

/** What this process's own database role may do (checked once at start-up). */
export function inspectOwnPrivileges(): Promise<PrivilegeReport> {
  return inspectPrivileges((sql) => prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql));
}
