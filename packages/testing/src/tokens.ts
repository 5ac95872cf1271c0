import { type JsonWebKey, KeyObject, createPrivateKey, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

/** What the token endpoint answered: the status, the parsed JSON body and the `Request-Id` header. */
export interface TokenResponse {
  status: number;
  body: Record<string, unknown>;
  /** `req_…`: the name of this request in the portal's request log. */
  requestId: string | null;
}

/** A private key as a PEM (PKCS #8), a private JWK, or a Node KeyObject. */
export type PrivateKeyInput = string | KeyObject | Record<string, unknown>;

export type TokenRequest =
  | { secret: string; scope?: string }
  | { privateKey: PrivateKeyInput; kid?: string; scope?: string };

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function keyObject(input: PrivateKeyInput): KeyObject {
  if (typeof input === 'string') return createPrivateKey(input);
  if (input instanceof KeyObject) return input;
  return createPrivateKey({ key: input as JsonWebKey, format: 'jwk' });
}

/** The algorithm the portal expects for a key of this type (it accepts ES256, EdDSA and RS256). */
function algorithmOf(key: KeyObject): string {
  const type = key.asymmetricKeyType;
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  if (type === 'ed25519') return 'EdDSA';
  if (type === 'rsa') return 'RS256';
  throw new TypeError(
    `A ${type}${type === 'ec' ? ` (${key.asymmetricKeyDetails?.namedCurve})` : ''} key cannot sign for the portal: use P-256, Ed25519 or RSA.`,
  );
}

/** Token requests against one tenant's OAuth client, as its applications make them. */
export class TokenClient {
  private tokenEndpoint: Promise<string> | null = null;

  constructor(
    private readonly portalUrl: string,
    private readonly clientId: string,
  ) {}

  /** The token endpoint as the server names it (an assertion's audience), from its RFC 8414 metadata. */
  private endpoint(): Promise<string> {
    this.tokenEndpoint ??= fetch(new URL('/.well-known/oauth-authorization-server', this.portalUrl))
      .then((response) => (response.ok ? response.json() : {}) as Promise<{ token_endpoint?: string }>)
      .then((metadata) => metadata.token_endpoint ?? new URL('/api/oauth/token', this.portalUrl).href)
      .catch(() => new URL('/api/oauth/token', this.portalUrl).href);
    return this.tokenEndpoint;
  }

  /** A client assertion (RFC 7523, `private_key_jwt`) signed with `privateKey`, valid for a minute. */
  private async assertion(privateKey: PrivateKeyInput, kid: string | undefined): Promise<string> {
    const key = keyObject(privateKey);
    return new SignJWT({})
      .setProtectedHeader({ alg: algorithmOf(key), ...(kid ? { kid } : {}) })
      .setIssuer(this.clientId)
      .setSubject(this.clientId)
      .setAudience(await this.endpoint())
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(key);
  }

  async get(request: TokenRequest): Promise<TokenResponse> {
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (request.scope !== undefined) form.set('scope', request.scope);
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
    if ('secret' in request) {
      // client_secret_basic: both parts form-encoded first (RFC 6749 §2.3.1).
      const pair = `${encodeURIComponent(this.clientId)}:${encodeURIComponent(request.secret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
    } else {
      form.set('client_assertion_type', JWT_BEARER);
      form.set('client_assertion', await this.assertion(request.privateKey, request.kid));
    }
    const response = await fetch(await this.endpoint(), { method: 'POST', headers, body: form });
    const text = await response.text();
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      body = { raw: text };
    }
    return { status: response.status, body, requestId: response.headers.get('request-id') };
  }
}
