import { prisma } from '@/lib/db';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { secretVerifier } from '@/lib/oauth/secret-verifier';

export interface Readiness {
  ready: boolean;
  checks: { database: boolean; listener: boolean; signingKey: boolean };
}

/**
 * GET /readyz: whether this instance can do its work now: the database answers, the change listener is
 * connected (so its caches are trustworthy) and a signing key is loaded. /healthz only says the process runs.
 */
export async function readiness(): Promise<Readiness> {
  const [database, signingKey] = await Promise.all([
    prisma.$queryRaw`SELECT 1`.then(
      () => true,
      () => false,
    ),
    getSigningKeys().then(
      () => true,
      () => false,
    ),
  ]);
  const checks = { database, listener: secretVerifier.isListening(), signingKey };
  return { ready: checks.database && checks.listener && checks.signingKey, checks };
}
