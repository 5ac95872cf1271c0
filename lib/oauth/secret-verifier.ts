import { findCredentialByHash, getTokensRevokedBefore } from '@/lib/data/credential-queries';
import { isFullInvalidation, credentialChanges, type Invalidation } from '@/lib/db/credential-changes';
import { hashSecret, isWellFormedSecret } from '@/lib/credentials/format';
import { addressAllowed } from '@/lib/credentials/rules';
import { credentialNow } from '@/lib/credentials/test-clock';
import type { RefusalReason } from '@/lib/request-log/reasons';

/** What the token endpoint needs to know about a secret, as the database last said. */
interface KnownSecret {
  credentialId: string;
  clientId: string;
  organizationId: string;
  /** Its tenant's test clock (epoch ms) when it has one: expiry and roll are judged at it. Null: real time. */
  clockAt: number | null;
  /** A secret (not another kind's random hash) that is not deleted. */
  usable: boolean;
  status: 'ACTIVE' | 'DISABLED' | 'DELETED';
  /** Epoch ms of its expiry, and of the end of its roll grace period, or Infinity. */
  expiresAt: number;
  rolledOutAt: number;
  allowedCidrs: string[];
  scopes: readonly string[];
  decoy: boolean;
  cachedAt: number;
}

export type Verification =
  | { ok: true; credentialId: string; scopes: readonly string[] }
  | { ok: false; reason: RefusalReason; credentialId?: string };

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
    if (!isWellFormedSecret(secret)) return { ok: false, reason: 'secret_not_matched' };
    const hash = hashSecret(secret);

    let entry: KnownSecret | null | undefined;
    if (credentialChanges.isListening()) {
      const cached = this.known.get(hash);
      if (cached && now - cached.cachedAt < ENTRY_TTL_MS) entry = cached;
      else if (now - (this.unknown.get(hash) ?? -Infinity) < ENTRY_TTL_MS) entry = null;
    }
    if (entry === undefined) entry = await this.lookup(hash);

    // A decoy is never valid, whichever client id comes with it; its use is an alarm.
    if (entry?.decoy) return { ok: false, reason: 'decoy_used', credentialId: entry.credentialId };
    // Another client's secret is no credential of this client: the refusal is the client's alone.
    if (!entry?.usable || entry.clientId !== clientId) return { ok: false, reason: 'secret_not_matched' };
    const refused = (reason: RefusalReason): Verification => ({ ok: false, reason, credentialId: entry.credentialId });
    // The credential's own now: its tenant's test clock, when it has one (the cache's freshness stays real time).
    const at = credentialNow(entry.clockAt, now);
    // The first reason that holds, in the order that tells the admin most: what is final before what is not.
    if (entry.status === 'DELETED') return refused('credential_deleted');
    if (at >= entry.rolledOutAt) return refused('credential_rolled_out');
    if (at >= entry.expiresAt) return refused('credential_expired');
    if (entry.status !== 'ACTIVE') return refused('credential_disabled');
    if (!addressAllowed(address, entry.allowedCidrs)) return refused('address_not_allowed');
    return { ok: true, credentialId: entry.credentialId, scopes: entry.scopes };
  }

  private async lookup(hash: string): Promise<KnownSecret | null> {
    const generation = credentialChanges.generation;
    const row = await findCredentialByHash({ secretHash: hash });
    const entry: KnownSecret | null = row
      ? {
          credentialId: row.id,
          clientId: row.oauthClient.clientId,
          organizationId: row.oauthClient.organization.id,
          clockAt: row.oauthClient.organization.testClockAt?.getTime() ?? null,
          // Only a secret authenticates with a secret; other kinds' hashes are of values nobody holds.
          usable: row.kind === 'SECRET',
          status: row.status,
          expiresAt: row.expiresAt?.getTime() ?? Infinity,
          rolledOutAt: row.deactivateAt?.getTime() ?? Infinity,
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
    // A single revoked access token says nothing about any secret; a deleted organization's secrets were
    // named one by one before it.
    if (change.revokedJti || change.deletedOrganizationId) return;
    if (change.clockOrganizationId) {
      // A tenant's clock moved: its entries were judged at the old time. Rare (test suites), so a scan.
      for (const [hash, entry] of this.known)
        if (entry.organizationId === change.clockOrganizationId) this.known.delete(hash);
      return;
    }
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
   * Infinity when the credential no longer exists (its organization was deleted):
   * none of its tokens stays valid.
   */
  async tokensRevokedBefore(credentialId: string, now = Date.now()): Promise<number> {
    const cached = credentialChanges.isListening() ? this.revocations.get(credentialId) : undefined;
    if (cached && now - cached.cachedAt < ENTRY_TTL_MS) return cached.cutoff;
    const generation = credentialChanges.generation;
    const row = await getTokensRevokedBefore({ credentialId });
    const cutoff = !row
      ? Number.POSITIVE_INFINITY
      : row.tokensRevokedBefore
        ? Math.floor(row.tokensRevokedBefore.getTime() / 1000)
        : 0;
    if (credentialChanges.mayCache(generation)) {
      if (this.revocations.size >= MAX_UNKNOWN) this.revocations.clear();
      this.revocations.set(credentialId, { cutoff, cachedAt: Date.now() });
    }
    return cutoff;
  }
}

const globalForVerifier = globalThis as unknown as { secretVerifier?: SecretVerifier };
export const secretVerifier = (globalForVerifier.secretVerifier ??= new SecretVerifier());
