// Single sign-on against local identity providers: node oidc-provider for whole sign-ins, and the tests' own
// issuer (tests/helpers/oidc-issuer.ts) to answer the code exchange with ID tokens that are wrong in exactly
// one way. Each refusal lands on the sign-in page with its message and starts no session.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { createMember, createOrganization } from '@/lib/data/organizations';
import { getActorByUserId } from '@/lib/data/users';
import { provisionTotp } from '@/lib/data/two-factor';
import { removeTotp } from '@/lib/data/two-factor';
import type { Actor } from '@/lib/identity/actor';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { startOidcIssuer, type OidcIssuer } from '../helpers/oidc-issuer';
import { signInAtProvider, startSsoProvider, type SsoProvider } from '../helpers/sso-provider';
import { resetRateLimits } from '../helpers/fixtures';

process.env.OAUTH_ALLOW_LOOPBACK_HTTP = '1';
process.env.TEST_CLOCK = '1';
process.env.PORTAL_URL = 'http://portal.test';
const REDIRECT_URI = 'http://portal.test/api/auth/sso/callback';

const { POST: startRoute } = await import('@/app/api/auth/sso/start/route');
const { GET: callbackRoute } = await import('@/app/api/auth/sso/callback/route');
const { saveSsoSettings, removeSsoSettings, ssoSettings, ssoSettingsForSupport } = await import('@/lib/data/sso');
const { completeSignIn, passwordStep } = await import('@/lib/auth/sign-in');
const { setClockOffset } = await import('@/lib/clock');
const { ID_TOKEN_CLOCK_TOLERANCE_SECONDS, issuerProblem } = await import('@/lib/auth/sso');
const { SSO_ERRORS, SSO_REQUIRED_MESSAGE } = await import('@/lib/sso/rules');

const PASSWORD = 'test-password-123';
const CONTEXT = { address: '203.0.113.9', userAgent: 'vitest' };

let idp: SsoProvider;
beforeAll(async () => {
  idp = await startSsoProvider({ redirectUri: REDIRECT_URI });
});
afterAll(async () => {
  await idp.stop();
  setClockOffset(0);
  delete process.env.TEST_CLOCK;
});
afterEach(() => {
  vi.useRealTimers();
  setClockOffset(0);
});

/** An organization with an admin, whose SSO covers a domain of its own. */
async function organization(settings: Partial<Parameters<typeof saveSsoSettings>[0]['input']> = {}, issuer = idp) {
  const domain = `sso-${randomUUID().slice(0, 8)}.example`;
  const org = await createOrganization({ name: `SSO ${domain}` });
  const admin = await createMember({
    organizationId: org.id,
    email: `admin@${domain}`,
    name: 'Ada Admin',
    password: PASSWORD,
    role: 'ADMIN',
  });
  const actor = (await getActorByUserId({ userId: admin.id })) as Actor;
  const saved = await saveSsoSettings({
    actor,
    input: {
      issuer: 'issuer' in issuer ? issuer.issuer : (issuer as OidcIssuer).url,
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      domains: [domain],
      createAccounts: true,
      requireSso: false,
      breakGlassUserId: null,
      idpSatisfiesTwoFactor: false,
      ...settings,
    },
  });
  if (!saved.ok) throw new Error(saved.message);
  return { org, admin, actor, domain };
}

function setCookies(response: Response): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const index = pair!.indexOf('=');
    cookies.set(pair!.slice(0, index), pair!.slice(index + 1));
  }
  return cookies;
}

/** "Continue with single sign-on" with this email: the identity provider's address and the browser's cookie. */
async function start(email: string, callbackUrl?: string) {
  const response = await startRoute(
    new Request('http://portal.test/api/auth/sso/start', {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://portal.test' },
      body: JSON.stringify({ email, callbackUrl }),
    }),
  );
  const body = (await response.json()) as { status: string; url?: string; message?: string };
  return { response, body, browser: setCookies(response).get('portal.sso') ?? null };
}

/** The identity provider's redirect back, as the browser holding `browser` makes it. */
async function callback(query: URLSearchParams | string, browser: string | null) {
  const response = await callbackRoute(
    new Request(`${REDIRECT_URI}?${query}`, { headers: browser ? { cookie: `portal.sso=${browser}` } : {} }),
  );
  const location = new URL(response.headers.get('location') ?? '', 'http://portal.test');
  return { response, location, cookies: setCookies(response) };
}

/** A whole sign-in: start, sign in at the identity provider as `login`, come back. */
async function signInThroughIdp(email: string, login: string, callbackUrl?: string) {
  const started = await start(email, callbackUrl);
  expect(started.body.status).toBe('redirect');
  const back = await signInAtProvider(started.body.url!, login, REDIRECT_URI);
  return { ...(await callback(back.searchParams, started.browser)), back, browser: started.browser };
}

function account(email: string, claims: { email_verified?: boolean; name?: string } = {}) {
  const login = `acct-${randomUUID()}`;
  idp.addAccount(login, { email, email_verified: true, name: 'Sam Single', ...claims });
  return login;
}

async function sessionsOf(email: string) {
  const user = await prisma.user.findUnique({ where: { email }, select: { id: true } });
  return user ? prisma.userSession.count({ where: { userId: user.id } }) : 0;
}

describe('a first sign-in through the identity provider', () => {
  it('creates the person as a Viewer when allowed, and starts a session like a password sign-in (audited as sso)', async () => {
    const { org, domain } = await organization({ createAccounts: true });
    const email = `new.person@${domain}`;
    const result = await signInThroughIdp(email, account(email, { name: 'New Person' }));

    expect(result.location.pathname).toBe('/sign-in');
    expect(Object.fromEntries(result.location.searchParams)).toEqual({ sso: 'verified', callbackUrl: '/credentials' });
    const signInToken = result.cookies.get('portal.sign-in');
    expect(signInToken).toBeTruthy();
    expect(result.cookies.get('portal.sso')).toBe('');

    const user = await prisma.user.findUniqueOrThrow({
      where: { email },
      select: { id: true, name: true, memberships: { select: { organizationId: true, role: true } } },
    });
    expect(user).toMatchObject({ name: 'New Person', memberships: [{ organizationId: org.id, role: 'VIEWER' }] });

    const signedIn = await completeSignIn({ token: signInToken!, context: CONTEXT });
    expect(signedIn?.userId).toBe(user.id);
    const events = await prisma.auditEvent.findMany({
      where: { organizationId: org.id, actorId: user.id },
      orderBy: { createdAt: 'asc' },
      select: { action: true, details: true },
    });
    expect(events.map((event) => event.action)).toEqual(['sso_account_created', 'sign_in_succeeded']);
    expect(events[1]!.details).toMatchObject({ method: 'sso' });
    // The pending sign-in is used up: a second completion finds nothing.
    expect(await completeSignIn({ token: signInToken!, context: CONTEXT })).toBeNull();
  });

  it('is refused when the organization does not create accounts, and creates none', async () => {
    const { domain } = await organization({ createAccounts: false });
    const email = `stranger@${domain}`;
    const result = await signInThroughIdp(email, account(email));
    expect(result.location.searchParams.get('sso_error')).toBe('no_account');
    expect(result.cookies.has('portal.sign-in')).toBe(false);
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it('signs an existing member in as themself, without a new account', async () => {
    const { admin, domain } = await organization({ createAccounts: false });
    const result = await signInThroughIdp(admin.email, account(admin.email));
    expect(result.location.searchParams.get('sso')).toBe('verified');
    const signedIn = await completeSignIn({ token: result.cookies.get('portal.sign-in')!, context: CONTEXT });
    expect(signedIn?.userId).toBe(admin.id);
    expect(await prisma.user.count({ where: { email: { endsWith: `@${domain}` } } })).toBe(1);
  });

  it('comes back to the portal page the person was going to, and never to another site', async () => {
    const { admin } = await organization();
    const going = await signInThroughIdp(admin.email, account(admin.email), '/webhooks?tab=deliveries');
    expect(going.location.searchParams.get('callbackUrl')).toBe('/webhooks?tab=deliveries');
    const away = await signInThroughIdp(admin.email, account(admin.email), 'https://evil.example/phish');
    expect(away.location.searchParams.get('callbackUrl')).toBe('/credentials');
  });

  it('starts the session in the organization it signed in to, for a person who also belongs to an older one', async () => {
    const { org, domain } = await organization({ createAccounts: false });
    const elsewhere = await createOrganization({ name: 'Older membership' });
    const person = await createMember({
      organizationId: elsewhere.id,
      email: `two.orgs@${domain}`,
      name: 'Two Orgs',
      password: PASSWORD,
      role: 'ADMIN',
    });
    await prisma.membership.create({ data: { userId: person.id, organizationId: org.id, role: 'VIEWER' } });
    const result = await signInThroughIdp(person.email, account(person.email));
    const signedIn = await completeSignIn({ token: result.cookies.get('portal.sign-in')!, context: CONTEXT });
    const actor = await getActorByUserId({ userId: person.id, sessionToken: signedIn!.sessionToken });
    expect(actor?.membership).toMatchObject({ organizationId: org.id, role: 'VIEWER' });
    // A password sign-in of the same person starts in the oldest membership, as before.
    const byPassword = await passwordStep({ email: person.email, password: PASSWORD, context: CONTEXT });
    expect(byPassword.status).toBe('verified');
    const withPassword = await completeSignIn({
      token: (byPassword as { token: string }).token,
      context: CONTEXT,
    });
    const passwordActor = await getActorByUserId({ userId: person.id, sessionToken: withPassword!.sessionToken });
    expect(passwordActor?.membership?.organizationId).toBe(elsewhere.id);
  });

  it('refuses an account of the domain that is not a member of the organization', async () => {
    const { domain } = await organization({ createAccounts: true });
    const elsewhere = await createOrganization({ name: 'Elsewhere' });
    const outsider = await createMember({
      organizationId: elsewhere.id,
      email: `outsider@${domain}`,
      name: 'Out Sider',
      password: PASSWORD,
      role: 'ADMIN',
    });
    const result = await signInThroughIdp(outsider.email, account(outsider.email));
    expect(result.location.searchParams.get('sso_error')).toBe('not_member');
    expect(await prisma.membership.count({ where: { userId: outsider.id } })).toBe(1);
    expect(await sessionsOf(outsider.email)).toBe(0);
  });
});

describe('what the callback refuses', () => {
  it('a forged state, a state from another browser, a replayed callback and a replayed code', async () => {
    const { domain } = await organization();
    const email = `replay@${domain}`;
    const login = account(email);
    const started = await start(email);
    const back = await signInAtProvider(started.body.url!, login, REDIRECT_URI);

    const forged = new URLSearchParams(back.searchParams);
    forged.set('state', 'forged-state-value');
    expect((await callback(forged, started.browser)).location.searchParams.get('sso_error')).toBe('expired');
    // The right state from a browser that did not start the trip (a planted link).
    const planted = await start(email);
    expect((await callback(back.searchParams, planted.browser)).location.searchParams.get('sso_error')).toBe('expired');

    const first = await callback(back.searchParams, started.browser);
    expect(first.location.searchParams.get('sso')).toBe('verified');
    const replayed = await callback(back.searchParams, started.browser);
    expect(replayed.location.searchParams.get('sso_error')).toBe('expired');
    expect(replayed.cookies.has('portal.sign-in')).toBe(false);

    // The used code under a new trip's state: the identity provider refuses it (and its PKCE verifier differs).
    const fresh = await start(email);
    const state = new URL(fresh.body.url!).searchParams.get('state')!;
    const reused = new URLSearchParams({ code: back.searchParams.get('code')!, state, iss: idp.issuer });
    expect((await callback(reused, fresh.browser)).location.searchParams.get('sso_error')).toBe('refused');
  });

  it('an email the identity provider has not verified', async () => {
    const { domain } = await organization();
    const email = `unverified@${domain}`;
    const result = await signInThroughIdp(email, account(email, { email_verified: false }));
    expect(result.location.searchParams.get('sso_error')).toBe('unverified_email');
    expect(await prisma.user.count({ where: { email } })).toBe(0);
  });

  it('an email of a domain the connection does not cover', async () => {
    const { domain } = await organization();
    // The person asks for this organization's domain, but the identity provider vouches for another address.
    const result = await signInThroughIdp(`someone@${domain}`, account('someone@foreign.example'));
    expect(result.location.searchParams.get('sso_error')).toBe('foreign_domain');
    expect(await prisma.user.count({ where: { email: 'someone@foreign.example' } })).toBe(0);
  });

  it('the identity provider saying it did not sign the person in', async () => {
    const { domain } = await organization();
    const started = await start(`denied@${domain}`);
    const state = new URL(started.body.url!).searchParams.get('state')!;
    const denied = new URLSearchParams({ error: 'access_denied', state });
    expect((await callback(denied, started.browser)).location.searchParams.get('sso_error')).toBe('idp_error');
  });

  it('an email whose domain has no single sign-on, before anyone leaves the portal', async () => {
    const started = await start('ann@no-sso.example');
    expect(started.response.status).toBe(404);
    expect(started.body.message).toBe(SSO_ERRORS.no_connection);
    expect(started.browser).toBeNull();
  });
});

describe('the ID token, as the identity provider answers the code exchange', () => {
  let forger: OidcIssuer;
  beforeAll(async () => {
    forger = await startOidcIssuer();
    Object.assign(forger.discovery, {
      authorization_endpoint: `${forger.url}/authorize`,
      token_endpoint: `${forger.url}/token`,
      response_types_supported: ['code'],
    });
  });
  afterAll(() => forger.stop());

  /** Starts a trip and answers its code exchange with an ID token made from `claims(nonce)`. */
  async function exchange(claims: (nonce: string) => Record<string, unknown>, domain: string) {
    const started = await start(`ann@${domain}`);
    const params = new URL(started.body.url!).searchParams;
    const nonce = params.get('nonce')!;
    const { sub = 'ann', aud = idp.clientId, ...rest } = claims(nonce);
    const idToken = await forger.issue({
      sub: String(sub),
      aud: aud as string,
      nonce,
      email: `ann@${domain}`,
      email_verified: true,
      ...rest,
    });
    forger.override('/token', JSON.stringify({ access_token: 'at', token_type: 'Bearer', id_token: idToken }));
    const back = new URLSearchParams({ code: 'any-code', state: params.get('state')! });
    return callback(back, started.browser);
  }

  it('is accepted when it is right (the baseline every refusal below differs from in one claim)', async () => {
    const { domain } = await organization({}, forger as unknown as SsoProvider);
    expect((await exchange(() => ({}), domain)).location.searchParams.get('sso')).toBe('verified');
  });

  it('is refused with the wrong nonce, audience or issuer, or signed by a key the issuer does not publish', async () => {
    const { domain } = await organization({}, forger as unknown as SsoProvider);
    const refusedWith = async (claims: (nonce: string) => Record<string, unknown>) =>
      (await exchange(claims, domain)).location.searchParams.get('sso_error');
    expect(await refusedWith(() => ({ nonce: 'another-trips-nonce' }))).toBe('refused');
    expect(await refusedWith(() => ({ aud: 'another-client' }))).toBe('refused');
    expect(await refusedWith(() => ({ iss: 'http://127.0.0.1:1/another-issuer' }))).toBe('refused');

    const started = await start(`ann@${domain}`);
    const params = new URL(started.body.url!).searchParams;
    const unpublished = await forger.issue(
      { sub: 'ann', aud: idp.clientId, nonce: params.get('nonce')!, email: `ann@${domain}`, email_verified: true },
      { kid: 'never-published' },
    );
    forger.override('/token', JSON.stringify({ access_token: 'at', token_type: 'Bearer', id_token: unpublished }));
    const back = new URLSearchParams({ code: 'any-code', state: params.get('state')! });
    expect((await callback(back, started.browser)).location.searchParams.get('sso_error')).toBe('refused');
    expect(await prisma.user.count({ where: { email: `ann@${domain}` } })).toBe(0);
  });

  it('is refused from the instant it expired (its exp plus the clock tolerance), and accepted the second before', async () => {
    const { domain } = await organization({}, forger as unknown as SsoProvider);
    const issuedAt = Date.UTC(2026, 11, 7, 12, 0, 0);
    vi.useFakeTimers({ toFake: ['Date'], now: issuedAt });
    const exp = issuedAt / 1000 + 120;
    const at = (seconds: number) => setClockOffset((seconds - issuedAt / 1000) * 1000);

    at(exp + ID_TOKEN_CLOCK_TOLERANCE_SECONDS - 1);
    expect((await exchange(() => ({ iat: issuedAt / 1000, exp }), domain)).location.searchParams.get('sso')).toBe(
      'verified',
    );
    at(exp + ID_TOKEN_CLOCK_TOLERANCE_SECONDS);
    expect((await exchange(() => ({ iat: issuedAt / 1000, exp }), domain)).location.searchParams.get('sso_error')).toBe(
      'refused',
    );
  });

  it('must come back within the trip’s ten minutes', async () => {
    const { domain } = await organization({}, forger as unknown as SsoProvider);
    const started = await start(`ann@${domain}`);
    const state = new URL(started.body.url!).searchParams.get('state')!;
    setClockOffset(10 * 60_000);
    const late = await callback(new URLSearchParams({ code: 'any-code', state }), started.browser);
    expect(late.location.searchParams.get('sso_error')).toBe('expired');
  });
});

describe('the second factor after single sign-on', () => {
  it('is asked of a member who has one, unless the organization lets the identity provider’s sign-in stand for it', async () => {
    const { actor, admin, domain } = await organization();
    await provisionTotp({ userId: admin.id });
    const asked = await signInThroughIdp(admin.email, account(admin.email));
    expect(Object.fromEntries(asked.location.searchParams)).toEqual({
      sso: 'second_factor',
      methods: 'totp,recovery',
      callbackUrl: '/credentials',
    });
    // Not a session yet: the pending sign-in waits for the code.
    expect(await completeSignIn({ token: asked.cookies.get('portal.sign-in')!, context: CONTEXT })).toBeNull();

    const saved = await saveSsoSettings({
      actor: (await getActorByUserId({ userId: actor.userId })) as Actor,
      input: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: '',
        domains: [domain],
        createAccounts: true,
        requireSso: false,
        breakGlassUserId: null,
        idpSatisfiesTwoFactor: true,
      },
    });
    expect(saved.ok).toBe(true);
    const trusted = await signInThroughIdp(admin.email, account(admin.email));
    expect(trusted.location.searchParams.get('sso')).toBe('verified');
  });

  it("lets an admin without a second factor manage an organization that requires one only when its identity provider's sign-in stands for it", async () => {
    const { org, actor, admin, domain } = await organization();
    await prisma.organization.update({ where: { id: org.id }, data: { requireTwoFactor: true } });
    const settings = (idpSatisfiesTwoFactor: boolean) =>
      saveSsoSettings({
        actor,
        input: {
          issuer: idp.issuer,
          clientId: idp.clientId,
          clientSecret: '',
          domains: [domain],
          createAccounts: true,
          requireSso: false,
          breakGlassUserId: null,
          idpSatisfiesTwoFactor,
        },
      });
    const sessionActor = async (token: string) => {
      const signedIn = await completeSignIn({ token, context: CONTEXT });
      return (await getActorByUserId({ userId: admin.id, sessionToken: signedIn!.sessionToken })) as Actor;
    };

    // The organization does not let the identity provider stand in: sent to enroll, as after a password.
    expect((await settings(false)).ok).toBe(true);
    const bySso = await signInThroughIdp(admin.email, account(admin.email));
    expect(mustEnrollTwoFactor(await sessionActor(bySso.cookies.get('portal.sign-in')!), 'manage_credentials')).toBe(
      true,
    );

    // It does: the session from its single sign-on manages credentials; a password session still enrolls first.
    expect((await settings(true)).ok).toBe(true);
    const trusted = await signInThroughIdp(admin.email, account(admin.email));
    expect(mustEnrollTwoFactor(await sessionActor(trusted.cookies.get('portal.sign-in')!), 'manage_credentials')).toBe(
      false,
    );
    const byPassword = await passwordStep({ email: admin.email, password: PASSWORD, context: CONTEXT });
    expect(byPassword.status).toBe('verified');
    const passwordActor = await sessionActor((byPassword as { token: string }).token);
    expect(mustEnrollTwoFactor(passwordActor, 'manage_credentials')).toBe(true);
  });
});

describe('"Require single sign-on"', () => {
  it('refuses a member’s right password, but not the break-glass admin’s (who still needs the second factor)', async () => {
    const { org, admin, actor, domain } = await organization();
    await resetRateLimits();
    const viewer = await createMember({
      organizationId: org.id,
      email: `viewer@${domain}`,
      name: 'Vera Viewer',
      password: PASSWORD,
      role: 'VIEWER',
    });
    await provisionTotp({ userId: admin.id });
    const input = {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: '',
      domains: [domain],
      createAccounts: false,
      requireSso: true,
      breakGlassUserId: admin.id,
      idpSatisfiesTwoFactor: false,
    };
    expect(await saveSsoSettings({ actor, input })).toMatchObject({ ok: true });

    expect(await passwordStep({ email: viewer.email, password: PASSWORD, context: CONTEXT })).toEqual({
      status: 'sso_required',
    });
    // A wrong password answers as ever: the refusal tells a guesser nothing.
    expect(await passwordStep({ email: viewer.email, password: 'wrong-password', context: CONTEXT })).toEqual({
      status: 'invalid',
    });
    expect(await passwordStep({ email: admin.email, password: PASSWORD, context: CONTEXT })).toMatchObject({
      status: 'second_factor',
    });

    // The break-glass admin without a second factor any more is refused too (checked at sign-in, not only on save).
    await removeTotp({ userId: admin.id });
    expect(await passwordStep({ email: admin.email, password: PASSWORD, context: CONTEXT })).toEqual({
      status: 'sso_required',
    });
    expect(SSO_REQUIRED_MESSAGE).toContain('Continue with single sign-on');

    // Turning single sign-on off gives the members their passwords back.
    expect(await removeSsoSettings({ actor })).toEqual({ ok: true });
    expect(await passwordStep({ email: viewer.email, password: PASSWORD, context: CONTEXT })).toMatchObject({
      status: 'verified',
    });
  });
});

describe('saving the settings', () => {
  it('refuses "Require single sign-on" without a break-glass admin, or with one who is not an admin with a second factor', async () => {
    const { org, admin, actor, domain } = await organization();
    const viewer = await createMember({
      organizationId: org.id,
      email: `v@${domain}`,
      name: 'Vic',
      password: PASSWORD,
      role: 'VIEWER',
    });
    await provisionTotp({ userId: viewer.id });
    const base = {
      issuer: idp.issuer,
      clientId: idp.clientId,
      clientSecret: '',
      domains: [domain],
      createAccounts: false,
      requireSso: true,
      idpSatisfiesTwoFactor: false,
    };
    expect(await saveSsoSettings({ actor, input: { ...base, breakGlassUserId: null } })).toMatchObject({
      ok: false,
      field: 'breakGlassUserId',
    });
    expect(await saveSsoSettings({ actor, input: { ...base, breakGlassUserId: viewer.id } })).toMatchObject({
      ok: false,
      message: 'The break-glass admin must be an admin of this organization.',
    });
    expect(await saveSsoSettings({ actor, input: { ...base, breakGlassUserId: admin.id } })).toMatchObject({
      ok: false,
      message: 'Ada Admin has no two-factor authentication: the break-glass admin must have it.',
    });
    const stored = await prisma.ssoConnection.findUniqueOrThrow({ where: { organizationId: org.id } });
    expect(stored.requireSso).toBe(false);
  });

  it('tells the admin when the issuer URL will not work: a document naming another issuer, nothing there, a private host', async () => {
    expect(await issuerProblem({ issuer: idp.issuer, clientId: 'portal' })).toBeNull();
    const elsewhere = await startOidcIssuer();
    try {
      elsewhere.discovery.issuer = 'https://login.another.example';
      expect(await issuerProblem({ issuer: elsewhere.url, clientId: 'portal' })).toMatch(/names another issuer/);
    } finally {
      await elsewhere.stop();
    }
    expect(await issuerProblem({ issuer: `${idp.issuer}/nothing-here`, clientId: 'portal' })).toMatch(
      /could not be read: .* answered 404|not an OpenID Connect discovery document/,
    );
    expect(await issuerProblem({ issuer: 'https://10.0.0.1', clientId: 'portal' })).toMatch(/private address/);
  });

  it('gives a domain to one organization only', async () => {
    const { domain } = await organization();
    const second = await organization();
    const taken = await saveSsoSettings({
      actor: second.actor,
      input: {
        issuer: idp.issuer,
        clientId: idp.clientId,
        clientSecret: '',
        domains: [second.domain, domain],
        createAccounts: false,
        requireSso: false,
        breakGlassUserId: null,
        idpSatisfiesTwoFactor: false,
      },
    });
    expect(taken).toMatchObject({ ok: false, code: 'conflict', field: 'domains' });
    expect(await prisma.ssoDomain.findMany({ where: { organizationId: second.org.id } })).toEqual([
      { domain: second.domain, organizationId: second.org.id },
    ]);
  });

  it('reads back to members and support staff without the secret; to another organization’s admin as nothing', async () => {
    const secret = `client-secret-${randomUUID()}`;
    const { org, actor, domain } = await organization({ clientSecret: secret });
    const seen = await ssoSettings({ actor });
    expect(seen).toMatchObject({ configured: true, clientSecretSet: true, domains: [domain] });
    expect(JSON.stringify(seen)).not.toContain(secret);

    const staff = await prisma.user.create({
      data: {
        email: `support-${randomUUID()}@portal.example`,
        name: 'Sam',
        passwordHash: 'x',
        platformRole: 'SUPPORT',
      },
    });
    const support = (await getActorByUserId({ userId: staff.id })) as Actor;
    const supportSees = await ssoSettingsForSupport({ actor: support, organizationId: org.id });
    expect(supportSees).toMatchObject({ configured: true, domains: [domain] });
    expect(JSON.stringify(supportSees)).not.toContain(secret);
    const other = await organization();
    expect(await ssoSettingsForSupport({ actor: other.actor, organizationId: org.id })).toBeNull();
  });

  it('keeps the client secret sealed: its plaintext is in no table', async () => {
    const secret = `client-secret-${randomUUID()}`;
    await organization({ clientSecret: secret });
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    try {
      const { rows: tables } = await owner.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'`,
      );
      const found: string[] = [];
      for (const { name } of tables) {
        const { rows } = await owner.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "${name}" t WHERE strpos(to_jsonb(t)::text, $1) > 0`,
          [secret],
        );
        if (rows[0]!.n > 0) found.push(name);
      }
      expect(found).toEqual([]);
      expect(await prisma.ssoConnection.count({ where: { clientSecretEnc: { not: '' } } })).toBeGreaterThan(0);
    } finally {
      await owner.end();
    }
  });
});
