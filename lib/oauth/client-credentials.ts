import { findClientKeyCredentials } from '@/lib/data/credential-queries';
import { credentialChanges, type Invalidation } from '@/lib/db/credential-changes';
import { credentialNow } from '@/lib/credentials/test-clock';

/** An active public key or trusted workload of a client, as the database last said. */
export interface ClientCredential {
  id: string;
  kind: 'PUBLIC_KEY' | 'WORKLOAD';
  /** Epoch ms from which the credential stops working (its expiry), or Infinity. */
  stopsAt: number;
  allowedCidrs: readonly string[];
  scopes: readonly string[];
  /** PUBLIC_KEY: a pasted key as a public JWK with alg and kid; or the URL of the client's JWKS. */
  publicJwk: Record<string, unknown> | null;
  jwksUrl: string | null;
  /** WORKLOAD: the trusted issuer, the audience its tokens must carry, and the subject pattern. */
  workloadIssuer: string | null;
  workloadAudience: string | null;
  workloadSubject: string | null;
}

export interface ClientCredentials {
  /** The oauth_clients row id. */
  oauthClientId: string;
  clientId: string;
  organizationId: string;
  /** Its tenant's test clock (epoch ms) when it has one, else null: see `credentialsNow`. */
  clockAt: number | null;
  credentials: readonly ClientCredential[];
}

interface Entry {
  value: ClientCredentials;
  cachedAt: number;
}

const MAX_ENTRIES = 50_000;
const MAX_UNKNOWN = 20_000;
/** Re-read at least this often, even if a notification was somehow missed. */
const ENTRY_TTL_MS = 60_000;

/** Reads a client's active public keys and trusted workloads from the database; null for an unknown client. */
export async function loadClientCredentials(clientId: string): Promise<ClientCredentials | null> {
  const client = await findClientKeyCredentials({ clientId });
  if (!client) return null;
  return {
    oauthClientId: client.id,
    clientId,
    organizationId: client.organization.id,
    clockAt: client.organization.testClockAt?.getTime() ?? null,
    credentials: client.credentials.map(({ expiresAt, publicJwk, kind, ...row }) => ({
      ...row,
      kind: kind as ClientCredential['kind'],
      publicJwk: publicJwk && typeof publicJwk === 'object' ? (publicJwk as Record<string, unknown>) : null,
      stopsAt: expiresAt ? expiresAt.getTime() : Number.POSITIVE_INFINITY,
    })),
  };
}

/** The instant a client's credentials' expiry is judged at: its tenant's test clock, or `realNow`. */
export function credentialsNow(client: ClientCredentials, realNow: number): number {
  return credentialNow(client.clockAt, realNow);
}

/**
 * The active public keys and trusted workloads of each client, by Client ID: what private_key_jwt and token
 * exchange check against. Cached like the secret verifier's entries: the change channel makes every instance
 * forget a client whenever one of its credentials changes, and nothing is cached while it is not connected.
 * Client IDs the database does not know are kept apart, in a smaller set, so that a flood of made-up ones
 * cannot evict the real clients.
 */
export class ClientCredentialCache {
  private byClientId = new Map<string, Entry>();
  /** oauth_clients row id → Client ID, to forget a client named by a change notification. */
  private clientIds = new Map<string, string>();
  /** Client IDs the database did not know, with when it said so. */
  private unknown = new Map<string, number>();
  private readonly load: (clientId: string) => Promise<ClientCredentials | null>;
  private readonly maxEntries: number;
  private readonly maxUnknown: number;

  /** The options are for tests: another loader (e.g. one that counts) and smaller limits. */
  constructor({
    load = loadClientCredentials,
    maxEntries = MAX_ENTRIES,
    maxUnknown = MAX_UNKNOWN,
  }: {
    load?: (clientId: string) => Promise<ClientCredentials | null>;
    maxEntries?: number;
    maxUnknown?: number;
  } = {}) {
    this.load = load;
    this.maxEntries = maxEntries;
    this.maxUnknown = maxUnknown;
    credentialChanges.subscribe((change) => this.forget(change));
  }

  async get(clientId: string, now = Date.now()): Promise<ClientCredentials | null> {
    if (credentialChanges.isListening()) {
      const cached = this.byClientId.get(clientId);
      if (cached && now - cached.cachedAt < ENTRY_TTL_MS) return cached.value;
      const unknownAt = this.unknown.get(clientId);
      if (unknownAt !== undefined && now - unknownAt < ENTRY_TTL_MS) return null;
    }
    const generation = credentialChanges.generation;
    const value = await this.load(clientId);
    if (credentialChanges.mayCache(generation)) {
      if (value) {
        if (this.byClientId.size >= this.maxEntries) {
          this.byClientId.clear();
          this.clientIds.clear();
        }
        this.byClientId.set(clientId, { value, cachedAt: now });
        this.clientIds.set(value.oauthClientId, clientId);
        this.unknown.delete(clientId);
      } else {
        this.drop(clientId);
        if (this.unknown.size >= this.maxUnknown) this.unknown.clear();
        this.unknown.set(clientId, now);
      }
    }
    return value;
  }

  /** Forgets a real client's entry. */
  private drop(clientId: string) {
    const entry = this.byClientId.get(clientId);
    if (!entry) return;
    this.byClientId.delete(clientId);
    this.clientIds.delete(entry.value.oauthClientId);
  }

  private forget({ oauthClientId, revokedJti, deletedOrganizationId, clockOrganizationId }: Invalidation) {
    // A deleted organization's credentials were each named before it, with its client's row id.
    if (revokedJti || deletedOrganizationId) return;
    if (clockOrganizationId) {
      // A tenant's clock moved: forget its client (one per organization; rare, so a scan).
      for (const [clientId, entry] of this.byClientId)
        if (entry.value.organizationId === clockOrganizationId) this.drop(clientId);
      return;
    }
    if (!oauthClientId) {
      // Everything (the channel reconnected), or a change that names no client (plain SQL on an old payload):
      // forget every client to be safe.
      this.byClientId.clear();
      this.clientIds.clear();
      this.unknown.clear();
      return;
    }
    const clientId = this.clientIds.get(oauthClientId);
    if (clientId !== undefined) {
      this.drop(clientId);
      return;
    }
    // A client this cache does not hold may be one it holds as unknown, created since (e.g. its first
    // credential was just added): only the row id is named, so every "unknown" is forgotten.
    this.unknown.clear();
  }
}

const globalForCache = globalThis as unknown as { clientCredentialCache?: ClientCredentialCache };
export const clientCredentialCache = (globalForCache.clientCredentialCache ??= new ClientCredentialCache());
