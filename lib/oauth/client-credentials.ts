import { prisma } from '@/lib/db';
import { secretChanges, type Invalidation } from '@/lib/db/secret-changes';

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
  credentials: readonly ClientCredential[];
}

interface Entry {
  value: ClientCredentials | null;
  cachedAt: number;
}

const MAX_ENTRIES = 50_000;
/** Re-read at least this often, even if a notification was somehow missed. */
const ENTRY_TTL_MS = 60_000;

/**
 * The active public keys and trusted workloads of each client, by Client ID: what private_key_jwt and token
 * exchange check against. Cached like the secret verifier's entries: the change channel makes every instance
 * forget a client whenever one of its credentials changes, and nothing is cached while it is not connected.
 */
class ClientCredentialCache {
  private byClientId = new Map<string, Entry>();
  /** oauth_clients row id → Client ID, to forget a client named by a change notification. */
  private clientIds = new Map<string, string>();

  constructor() {
    secretChanges.subscribe((change) => this.forget(change));
  }

  async get(clientId: string, now = Date.now()): Promise<ClientCredentials | null> {
    if (secretChanges.isListening()) {
      const cached = this.byClientId.get(clientId);
      if (cached && now - cached.cachedAt < ENTRY_TTL_MS) return cached.value;
    }
    const generation = secretChanges.generation;
    const value = await this.load(clientId);
    if (secretChanges.isListening() && generation === secretChanges.generation) {
      if (this.byClientId.size >= MAX_ENTRIES) {
        this.byClientId.clear();
        this.clientIds.clear();
      }
      this.byClientId.set(clientId, { value, cachedAt: now });
      if (value) this.clientIds.set(value.oauthClientId, clientId);
    }
    return value;
  }

  private async load(clientId: string): Promise<ClientCredentials | null> {
    const client = await prisma.oAuthClient.findUnique({
      where: { clientId },
      select: {
        id: true,
        secrets: {
          where: { status: 'ACTIVE', kind: { in: ['PUBLIC_KEY', 'WORKLOAD'] } },
          orderBy: { createdAt: 'asc' },
          select: {
            id: true,
            kind: true,
            expiresAt: true,
            allowedCidrs: true,
            scopes: true,
            publicJwk: true,
            jwksUrl: true,
            workloadIssuer: true,
            workloadAudience: true,
            workloadSubject: true,
          },
        },
      },
    });
    if (!client) return null;
    return {
      oauthClientId: client.id,
      clientId,
      credentials: client.secrets.map(({ expiresAt, publicJwk, kind, ...row }) => ({
        ...row,
        kind: kind as ClientCredential['kind'],
        publicJwk: publicJwk && typeof publicJwk === 'object' ? (publicJwk as Record<string, unknown>) : null,
        stopsAt: expiresAt ? expiresAt.getTime() : Number.POSITIVE_INFINITY,
      })),
    };
  }

  private forget({ hash, secretId, oauthClientId, revokedJti }: Invalidation) {
    if (revokedJti) return;
    if (!hash && !secretId && !oauthClientId) {
      this.byClientId.clear();
      this.clientIds.clear();
      return;
    }
    if (!oauthClientId) {
      // A change that names no client (plain SQL on an old payload): forget every client to be safe.
      this.byClientId.clear();
      this.clientIds.clear();
      return;
    }
    const clientId = this.clientIds.get(oauthClientId);
    if (clientId !== undefined) {
      this.byClientId.delete(clientId);
      this.clientIds.delete(oauthClientId);
      return;
    }
    // A client cached as unknown has no row id here: it may have been created since.
    for (const [id, entry] of this.byClientId) if (entry.value === null) this.byClientId.delete(id);
  }
}

const globalForCache = globalThis as unknown as { clientCredentialCache?: ClientCredentialCache };
export const clientCredentialCache = (globalForCache.clientCredentialCache ??= new ClientCredentialCache());
