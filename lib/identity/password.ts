import { hash } from '@node-rs/argon2';
import { verifyOnLowPriorityThread } from '@/lib/identity/password-worker';

// OWASP's argon2id baseline: 19 MiB, 2 iterations, 1 lane. Algorithm 2 is argon2id.
const OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the email is unknown, so that a miss costs as long as a wrong password.
let decoyHash: Promise<string> | undefined;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (storedHash === null) {
    decoyHash ??= hashPassword('decoy password, never matches');
    await verifyOnLowPriorityThread(await decoyHash, password);
    return false;
  }
  return verifyOnLowPriorityThread(storedHash, password);
}
