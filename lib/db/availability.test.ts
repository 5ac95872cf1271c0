import { describe, expect, it } from 'vitest';
import { failedForDatabase, isDatabaseUnavailable, noteDatabaseFailure } from '@/lib/db/availability';

describe('isDatabaseUnavailable', () => {
  it('recognises an unreachable, stopped, frozen or overloaded database however it is wrapped', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      syscall: 'connect',
      errno: -111,
    });
    for (const error of [
      refused,
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      new Error('Query read timeout'),
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('the database system is starting up'), { code: '57P03' }),
      Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' }),
      // Prisma's driver-adapter shapes.
      Object.assign(new Error('wrapped'), { cause: { kind: 'DatabaseNotReachable' } }),
      Object.assign(new Error('P1001'), { code: 'P1001' }),
      Object.assign(new Error('outer'), {
        meta: { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } },
      }),
      Object.assign(new Error('outer'), { cause: refused }),
    ]) {
      expect(isDatabaseUnavailable(error), String(error.message)).toBe(true);
    }
  });

  it('does not take a bug or a constraint violation for an outage', () => {
    for (const error of [
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
      Object.assign(new Error('permission denied for table audit_events'), { code: '42501' }),
      Object.assign(new Error('Unique constraint failed'), { code: 'P2002' }),
      null,
      undefined,
      'a string',
    ]) {
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });
});

describe('failedForDatabase', () => {
  it('counts a database failure noted while the request ran, but never a Next.js redirect', () => {
    const startedAt = Date.now();
    expect(failedForDatabase(new Error('opaque'), startedAt + 1_000_000)).toBe(false);
    noteDatabaseFailure(new Error('Connection terminated unexpectedly'));
    expect(failedForDatabase(new Error('opaque'), startedAt)).toBe(true);
    expect(
      failedForDatabase(
        Object.assign(new Error('NEXT_REDIRECT'), { digest: 'NEXT_REDIRECT;replace;/sign-in;307;' }),
        startedAt,
      ),
    ).toBe(false);
  });
});
