// A local OpenID Connect identity provider for the single sign-on tests: node oidc-provider, in the test's
// process, over http on 127.0.0.1 (the portal fetches it only with OAUTH_ALLOW_LOOPBACK_HTTP=1). Its built-in
// development login page signs anyone in by an account id the test made (`login`, any password); consent is
// granted without asking. Imported by the vitest integration tests and by Playwright's e2e (relative imports
// only, so that both can load it).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type KoaContextWithOIDC } from 'oidc-provider';

export interface SsoAccountClaims {
  email: string;
  email_verified: boolean;
  name?: string;
}

export interface SsoProvider {
  /** The issuer identifier, as the portal's settings name it. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Makes a person the identity provider knows, signed in by `login` on its login page. */
  addAccount(login: string, claims: SsoAccountClaims): void;
  stop(): Promise<void>;
}

export async function startSsoProvider({
  redirectUri,
  clientId = 'portal',
  clientSecret = 'portal-client-secret-for-tests',
}: {
  redirectUri: string;
  clientId?: string;
  clientSecret?: string;
}): Promise<SsoProvider> {
  const accounts = new Map<string, SsoAccountClaims>();
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The email goes into the ID token itself, as identity providers send it to a sign-in client.
    conformIdTokenClaims: false,
    cookies: { keys: ['sso-test-cookie-key'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    // Set, so that oidc-provider does not print a notice for each default.
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600 },
    async findAccount(_ctx: KoaContextWithOIDC, id: string) {
      const claims = accounts.get(id);
      return claims ? { accountId: id, claims: async () => ({ sub: id, ...claims }) } : undefined;
    },
    // Consent is not what these tests are about: every scope asked for is granted.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (!accountId || !client) return undefined;
      const existing = ctx.oidc.session?.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  // Quiet: oidc-provider logs its development settings' warnings otherwise.
  provider.on('server_error', () => {});
  server.on('request', provider.callback());

  return {
    issuer,
    clientId,
    clientSecret,
    addAccount(login, claims) {
      accounts.set(login, claims);
    },
    stop() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/**
 * What a browser does at the identity provider, without one: follows the authorization URL to the login
 * page, signs in as `login`, and follows the redirects until the one back to the portal, whose URL it returns.
 */
export async function signInAtProvider(authorizationUrl: string, login: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  const remember = (response: Response) => {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const index = pair!.indexOf('=');
      jar.set(pair!.slice(0, index), pair!.slice(index + 1));
    }
  };
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  let url = new URL(authorizationUrl);
  for (let hop = 0; hop < 12; hop++) {
    if (url.href.startsWith(redirectUri)) return url;
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: cookie() } });
    remember(response);
    const location = response.headers.get('location');
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html = await response.text();
    const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
    if (!action)
      throw new Error(`The identity provider answered ${response.status} without a form: ${html.slice(0, 300)}`);
    const prompt = html.match(/name="prompt" value="([^"]+)"/)?.[1] ?? 'login';
    const posted = await fetch(new URL(action, url), {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ prompt, login, password: 'any' }),
    });
    remember(posted);
    const next = posted.headers.get('location');
    if (!next) throw new Error(`The identity provider's login answered ${posted.status} without a redirect.`);
    url = new URL(next, url);
  }
  throw new Error('The identity provider never sent the browser back.');
}
