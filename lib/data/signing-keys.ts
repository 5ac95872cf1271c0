import { prisma } from '@/lib/db';
import type { Prisma } from '@/lib/generated/prisma/client';

/** The home of signing_keys: the keys that sign access tokens, the private key sealed (lib/crypto/sealed). */

export interface NewSigningKey {
  kid: string;
  algorithm: string;
  publicJwk: Prisma.InputJsonObject;
  privateKeyEnc: string;
}

/**
 * Adds the key `generate` makes unless a key is current (not retired); safe when several instances start at
 * once: they take turns on one advisory lock, and only the first finds none.
 */
export async function addSigningKeyUnlessCurrent(generate: () => NewSigningKey): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('signing_keys'))`;
    if (await tx.signingKey.findFirst({ where: { retiredAt: null }, select: { id: true } })) return;
    await tx.signingKey.create({ data: generate() });
  });
}

/** Every key not yet retired, newest first. */
export function listUnretiredSigningKeys() {
  return prisma.signingKey.findMany({ where: { retiredAt: null }, orderBy: { createdAt: 'desc' } });
}
