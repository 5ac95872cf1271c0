import { prisma } from '@/lib/db';
import { isFullInvalidation, credentialChanges, type Invalidation } from '@/lib/db/credential-changes';
import { hashSecret, isWellFormedSecret } from '@/lib/credentials/format';
import { addressAllowed } from '@/lib/credentials/rules';

/** What the token endpoint needs to know about a secret, as the database last said. */
interface KnownSecret {
  credentialId: string;
  clientId: string;
  active: boolean;
  /** Epoch ms from which the secret stops working (expiry or end of its roll grace period), or Infinity. */
  stopsAt: number;
  allowedCidrs: string[];
  scopes: readonly string[];
  decoy: boolean;
  cachedAt: number;
}

export type Verification =
  | { ok: true; credentialId: string; scopes: readonly string[] }
  | { ok: false; reason: 'unknown' | 'blocked_address' | 'decoy'; credentialId?: string };

const MAX_ENTRIES = 200_000;
const MAX_UNKNOWN = 20_000;
/** Entries are re-read at least this often, even if a notification was somehow missed. */
const ENTRY_TTL_MS = 60_000;

/**
 * Checks client secrets by SHA-256 lookup, caching what the database said per
 * hash. The change channel (lib/db/credential-changes) tells this cache to forget a
 * secret whenever it changes, by any instance or by plain SQL; while that
 * channel is not connected, nothing is cached and every check reads the database.
 */
class SecretVerifier {
  private known = new Map<string, KnownSecret>();
  /**
   * Hashes the database did not know, and when it said so: kept apart so that a flood of guesses cannot
   * evict real entries, and re-read after ENTRY_TTL_MS like them.
   */
  private unknown = new Map<string, number>();
  /** Per secret id: the instant before which its access tokens are refused (0: none). */
  private revocations = new Map<string, { cutoff: number; cachedAt: number }>();

  constructor() {
    credentialChanges.subscribe((change) => this.forget(change));
  }

  async verify(clientId: string, secret: string, address: string, now = Date.now()): Promise<Verification> {
    if (!isWellFormedSecret(secret)) return { ok: false, reason: 'unknown' };
    const hash = hashSecret(secret);

    let entry: KnownSecret | null | undefined;
    if (credentialChanges.isListening()) {
      const cached = this.known.get(hash);
      if (cached && now - cached.cachedAt < ENTRY_TTL_MS) entry = cached;
      else if (now - (this.unknown.get(hash) ?? -Infinity) < ENTRY_TTL_MS) entry = null;
    }
    if (entry === undefined) entry = await this.lookup(hash);

    // A decoy is never valid, whichever client id comes with it; its use is an alarm.
    if (entry?.decoy) return { ok: false, reason: 'decoy', credentialId: entry.credentialId };
    if (!entry?.active || entry.clientId !== clientId || now >= entry.stopsAt) return { ok: false, reason: 'unknown' };
    if (!addressAllowed(address, entry.allowedCidrs))
      return { ok: false, reason: 'blocked_address', credentialId: entry.credentialId };
    return { ok: true, credentialId: entry.credentialId, scopes: entry.scopes };
  }

  private async lookup(hash: string): Promise<KnownSecret | null> {
    const generation = credentialChanges.generation;
    const row = await prisma.credential.findUnique({
      where: { secretHash: hash },
      select: {
        id: true,
        status: true,
        expiresAt: true,
        deactivateAt: true,
        allowedCidrs: true,
        scopes: true,
        kind: true,
        isDecoy: true,
        oauthClient: { select: { clientId: true } },
      },
    });
    const stops = [row?.expiresAt, row?.deactivateAt].filter((d): d is Date => !!d).map((d) => d.getTime());
    const entry: KnownSecret | null = row
      ? {
          credentialId: row.id,
          clientId: row.oauthClient.clientId,
          // Only a secret authenticates with a secret; other kinds' hashes are of values nobody holds.
          active: row.status === 'ACTIVE' && row.kind === 'SECRET',
          stopsAt: stops.length ? Math.min(...stops) : Infinity,
          allowedCidrs: row.allowedCidrs,
          scopes: row.scopes,
          decoy: row.isDecoy,
          cachedAt: Date.now(),
        }
      : null;
    if (credentialChanges.mayCache(generation)) {
      if (entry) {
        if (this.known.size >= MAX_ENTRIES) this.known.clear();
        this.known.set(hash, entry);
      } else {
        if (this.unknown.size >= MAX_UNKNOWN) this.unknown.clear();
        this.unknown.set(hash, Date.now());
      }
    }
    return entry;
  }

  private forget(change: Invalidation) {
    // A single revoked access token says nothing about any secret.
    if (change.revokedJti) return;
    const { hash, credentialId } = change;
    if (isFullInvalidation(change)) {
      this.known.clear();
      this.unknown.clear();
      this.revocations.clear();
      return;
    }
    if (hash) {
      this.known.delete(hash);
      this.unknown.delete(hash);
    }
    if (credentialId) this.revocations.delete(credentialId);
  }

  /** Starts the change channel if nothing has yet; true while it is connected (for /readyz). */
  isListening(): boolean {
    return credentialChanges.isListening();
  }

  /**
   * Epoch seconds before which access tokens of this secret are refused ("also
   * revoke the tokens it already issued"), 0 when none; cached like secrets.
   */
  async tokensRevokedBefore(credentialId: string, now = Date.now()): Promise<number> {
    const cached = credentialChanges.isListening() ? this.revocations.get(credentialId) : undefined;
    if (cached && now - cached.cachedAt < ENTRY_TTL_MS) return cached.cutoff;
    const generation = credentialChanges.generation;
    const row = await prisma.credential.findUnique({
      where: { id: credentialId },
      select: { tokensRevokedBefore: true },
    });
    const cutoff = row?.tokensRevokedBefore ? Math.floor(row.tokensRevokedBefore.getTime() / 1000) : 0;
    if (credentialChanges.mayCache(generation)) {
      if (this.revocations.size >= MAX_UNKNOWN) this.revocations.clear();
      this.revocations.set(credentialId, { cutoff, cachedAt: Date.now() });
    }
    return cutoff;
  }
}

const globalForVerifier = globalThis as unknown as { secretVerifier?: SecretVerifier };
export const secretVerifier = (globalForVerifier.secretVerifier ??= new SecretVerifier());
