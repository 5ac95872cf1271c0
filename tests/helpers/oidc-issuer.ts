// A local OpenID Connect issuer for tests of workload identity federation (RFC 8693 token exchange): it
// serves a discovery document and a JWKS over http on 127.0.0.1 and signs workload tokens with keys made
// by jose, as GitHub Actions, Kubernetes or a cloud's metadata server would. The token endpoint reaches it
// only with OAUTH_ALLOW_LOOPBACK_HTTP=1. Imported by the vitest integration tests and by Playwright's e2e
// (relative imports only, so that both can load it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';

export type IssuerAlgorithm = 'RS256' | 'RS384' | 'RS512' | 'PS256' | 'ES256' | 'ES384' | 'EdDSA';

interface IssuerKey {
  kid: string;
  alg: IssuerAlgorithm;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export interface WorkloadClaims {
  sub: string;
  aud: string | string[];
  /** Defaults to the issuer's URL. */
  iss?: string;
  /** Epoch seconds; default five minutes from now. `null` leaves the claim out. */
  exp?: number | null;
  /** Epoch seconds; default now. `null` leaves the claim out. */
  iat?: number | null;
  nbf?: number;
  /** Any other claims (repository, job_workflow_ref, …). */
  [claim: string]: unknown;
}

export interface IssueOptions {
  /**
   * The key to sign with, by kid: default the newest published key. A kid the issuer does not publish signs
   * with a new key that it never publishes (an "unknown kid").
   */
  kid?: string;
  /** Leave `kid` out of the header (the verifier must then try each published key). */
  omitKid?: boolean;
}

export interface OidcIssuer {
  /** The issuer identifier: `iss` of its tokens, and the base of its discovery document. */
  url: string;
  /** Where its keys are (the discovery document's jwks_uri). */
  jwksUrl: string;
  /** Every path requested so far, in order. */
  requests: string[];
  /** The discovery document served; tests may change it (e.g. another `issuer`). */
  discovery: Record<string, unknown>;
  /** A signed workload token. */
  issue(claims: WorkloadClaims, options?: IssueOptions): Promise<string>;
  /** Publishes a new key, which then signs; the old keys stay published. Returns the new kid. */
  rotate(alg?: IssuerAlgorithm): Promise<string>;
  /** Serves `body` (status 200) at a path instead of the real document, or the real one again with null. */
  override(path: string, body: string | null): void;
  /** While true, requests are accepted but never answered (a hanging issuer). */
  stall: boolean;
  stop(): Promise<void>;
}

async function makeKey(alg: IssuerAlgorithm, kid: string): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

let keyCounter = 0;
const newKid = () => `test-key-${++keyCounter}-${Math.random().toString(36).slice(2, 8)}`;

/** Starts an issuer on a random loopback port, with one signing key. `path` puts the issuer below a path. */
export async function startOidcIssuer(options: { alg?: IssuerAlgorithm; path?: string } = {}): Promise<OidcIssuer> {
  const keys: IssuerKey[] = [await makeKey(options.alg ?? 'RS256', newKid())];
  const overrides = new Map<string, string>();
  const basePath = (options.path ?? '').replace(/\/+$/, '');

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    issuer.requests.push(path);
    if (issuer.stall) return;
    const send = (body: string, status = 200) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        .end(body);
    const overridden = overrides.get(path);
    if (overridden !== undefined) return send(overridden);
    if (path === `${basePath}/.well-known/openid-configuration`) return send(JSON.stringify(issuer.discovery));
    if (path === `${basePath}/jwks`) return send(JSON.stringify({ keys: keys.map((key) => key.publicJwk) }));
    send(JSON.stringify({ error: 'not_found' }), 404);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}${basePath}`;

  const issuer: OidcIssuer = {
    url,
    jwksUrl: `${url}/jwks`,
    requests: [],
    discovery: {
      issuer: url,
      jwks_uri: `${url}/jwks`,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: [...new Set(keys.map((key) => key.alg))],
    },
    stall: false,

    async issue(claims, { kid, omitKid = false } = {}) {
      const key =
        kid === undefined
          ? keys[keys.length - 1]!
          : (keys.find((candidate) => candidate.kid === kid) ?? (await makeKey(keys[0]!.alg, kid)));
      const now = Math.floor(Date.now() / 1000);
      const { iat = now, exp = now + 300, iss = url, ...rest } = claims;
      const payload: Record<string, unknown> = { ...rest, iss };
      if (exp !== null) payload.exp = exp;
      if (iat !== null) payload.iat = iat;
      return new SignJWT(payload)
        .setProtectedHeader({ alg: key.alg, typ: 'JWT', ...(omitKid ? {} : { kid: key.kid }) })
        .sign(key.privateKey);
    },

    async rotate(alg = keys[keys.length - 1]!.alg) {
      const key = await makeKey(alg, newKid());
      keys.push(key);
      return key.kid;
    },

    override(path, body) {
      if (body === null) overrides.delete(path);
      else overrides.set(path, body);
    },

    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections from the token endpoint's fetches would hold close() open.
        server.closeAllConnections();
      });
    },
  };
  return issuer;
}
