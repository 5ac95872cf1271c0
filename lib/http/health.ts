import { databaseAnswers } from '@/lib/db';
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { secretVerifier } from '@/lib/oauth/secret-verifier';

export interface Readiness {
  ready: boolean;
  /** While draining, only `draining: true`: the other checks are not made. */
  checks: { draining: boolean; database?: boolean; listener?: boolean; signingKey?: boolean };
}

let draining = false;

/** From now on /readyz answers 503: the instance is stopping, and a balancer should send its traffic elsewhere. */
export function startDraining() {
  draining = true;
}

export function isDraining(): boolean {
  return draining;
}

/**
 * GET /readyz: whether this instance can do its work now: the database answers, the change listener is
 * connected (so its caches are trustworthy) and a signing key is loaded, and it is not stopping. /healthz only
 * says the process runs.
 */
export async function readiness(): Promise<Readiness> {
  // A stopping instance says so at once, without asking the database.
  if (draining) return { ready: false, checks: { draining } };
  const [database, signingKey] = await Promise.all([
    databaseAnswers(),
    getSigningKeys().then(
      () => true,
      () => false,
    ),
  ]);
  const checks = { draining, database, listener: secretVerifier.isListening(), signingKey };
  return { ready: checks.database && checks.listener && checks.signingKey, checks };
}
