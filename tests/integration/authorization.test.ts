// Every server action, and every route handler that acts for the signed-in user, called by another
// organization's admin, by a viewer of the victim's organization and by a signed-out caller: each is refused
// (or acts only on the caller's own account) and nothing of anyone else's changes in the database. The same
// call then succeeds for its rightful caller, so a refusal here comes from authorization, not from bad input.
// The table must name exactly the exported actions of every 'use server' module and the exported methods of
// every such route handler: one added without a row fails the first test.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { generate } from 'otplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { raiseSecurityAlert } from '@/lib/data/alerts';
import { createMember } from '@/lib/data/organizations';
import {
  beginTotpEnrollment,
  passkeyRegistrationOptions,
  provisionTotp,
  verifyPasskeyRegistration,
} from '@/lib/data/two-factor';
import { relyingParty } from '@/lib/identity/webauthn';
import { createEndpoint } from '@/lib/data/webhook-endpoints';
import { listDeliveries, sendTestEvent } from '@/lib/data/webhook-deliveries';
import { inviteMember } from '@/lib/data/members';
import { open } from '@/lib/crypto/sealed';
import { organizationWithAdmin } from '../helpers/fixtures';
import { headersModule, sessionCookieFor } from '../helpers/signed-in';
import { SoftAuthenticator } from '../helpers/soft-authenticator';

const jar = vi.hoisted(() => ({ cookie: null as string | null }));
vi.mock('next/headers', () => headersModule(jar));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

const credentials = await import('@/app/(portal)/credentials/actions');
const webhooks = await import('@/app/(portal)/webhooks/actions');
const portal = await import('@/app/(portal)/actions');
const support = await import('@/app/(portal)/support/actions');
const security = await import('@/app/(portal)/security/actions');
const account = await import('@/app/(portal)/security/account-actions');
const auditExport = await import('@/app/(portal)/audit-log/export/route');
const members = await import('@/app/(portal)/members/actions');
const invitation = await import('@/app/invitation/actions');
const sso = await import('@/app/(portal)/security/sso-actions');
const { saveSsoSettings } = await import('@/lib/data/sso');

const ROOT = process.cwd();
const PASSWORD = 'test-password-123';

const SIGNED_OUT = { ok: false, message: 'Your session has ended. Sign in again to continue.' };
const SECRET_NOT_FOUND = {
  ok: false,
  message: 'This secret no longer exists. Reload the page to see the current list.',
};
const ADMINS_ONLY = { ok: false, message: 'You need the Admin role to manage credentials.' };
const SUPPORT_ONLY = { ok: false, message: 'Only platform support staff can use the support console.' };
const WEBHOOK_ADMINS_ONLY = { ok: false, message: 'You need the Admin role to manage webhooks.' };
const ENDPOINT_GONE = {
  ok: false,
  message: 'This endpoint no longer exists. Reload the page to see the current list.',
};
const MEMBER_ADMINS_ONLY = { ok: false, message: 'You need the Admin role to manage members.' };
const MEMBER_GONE = {
  ok: false,
  message: 'This person is no longer a member. Reload the page to see the current list.',
};
const INVITATION_GONE = {
  ok: false,
  message: 'This invitation is no longer open. Reload the page to see the current list.',
};
const NOT_YOUR_ORGANIZATION = {
  ok: false,
  message: 'This organization is not one of yours. Reload the page to see your organizations.',
};
const PASSKEY_GONE = { ok: false, message: 'This passkey no longer exists.' };
const SSO_ADMINS_ONLY = { ok: false, message: 'You need the Admin role to change single sign-on.' };

/** The Security page's single sign-on form, for a domain nobody has. */
const ssoForm = () => ({
  issuer: 'https://login.victim.example',
  clientId: 'portal',
  clientSecret: 'client-secret',
  domains: `sso-${randomUUID().slice(0, 8)}.example`,
  createAccounts: false,
  requireSso: false,
  breakGlassUserId: '',
  idpSatisfiesTwoFactor: false,
});
const SESSION_GONE = { ok: false, message: 'This session has already ended. Reload the page.' };
const NOTHING_TO_CONFIRM = {
  ok: false,
  message: 'There is no authenticator app waiting for confirmation. Start again.',
};
const NO_AUTHENTICATOR_APP = { ok: false, message: 'No authenticator app is set up.' };
const NO_SECOND_FACTOR = {
  ok: false,
  message: 'Set up two-factor authentication first: recovery codes back up a second factor.',
};
const CEREMONY_GONE = { ok: false, message: 'The passkey request expired or was already used. Try again.' };
const PASSKEY_REFUSED = { ok: false, message: 'That passkey was not accepted. Try again or use your password.' };

// ————— Who calls —————

type Caller = 'otherAdmin' | 'viewer' | 'signedOut';
const CALLERS: Caller[] = ['otherAdmin', 'viewer', 'signedOut'];

/**
 * A victim organization with its admin and a viewer, and another organization with its admin: new for every
 * row, so that what one row's calls do (a password changed, sessions ended) cannot decide another's.
 */
async function world() {
  const victim = await organizationWithAdmin('Victim');
  const viewer = await createMember({
    organizationId: victim.org.id,
    email: `viewer-${randomUUID()}@example.test`,
    name: 'Vic',
    password: PASSWORD,
    role: 'VIEWER',
  });
  const other = await organizationWithAdmin('Other');
  return { victim, viewer, other };
}
type World = Awaited<ReturnType<typeof world>>;

/** Another admin of the victim's organization, for the actions on one's own account. */
async function victimMember(w: World) {
  return createMember({
    organizationId: w.victim.org.id,
    email: `member-${randomUUID()}@example.test`,
    name: 'Mia',
    password: PASSWORD,
    role: 'ADMIN',
  });
}

/** A passkey registered for the user through the data layer, with the authenticator that holds it. */
async function withPasskey(userId: string) {
  const { rpID, origin } = relyingParty();
  const authenticator = new SoftAuthenticator(rpID, origin);
  const started = await passkeyRegistrationOptions({ userId });
  if (!started.ok) throw new Error(started.message);
  const registered = await verifyPasskeyRegistration({
    userId,
    ceremony: started.ceremony,
    name: 'Security key',
    response: authenticator.register(started.options.challenge),
  });
  if (!registered.ok) throw new Error(registered.message);
  return { authenticator, passkeyId: registered.passkey.id };
}

let supportUserId = '';

/** Signs in as the user (a new server-side session, confirmed just now), or signs out. */
async function signIn(userId: string | null) {
  jar.cookie = userId ? (await sessionCookieFor(userId)).cookie : null;
}

function userOf(w: World, caller: Exclude<Caller, 'signedOut'>) {
  return caller === 'otherAdmin' ? w.other.actor.userId : w.viewer.id;
}

// ————— What the database holds —————

let owner: pg.Client;
beforeAll(async () => {
  owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
  await owner.connect();
  const user = await prisma.user.create({
    data: { email: `support-${randomUUID()}@portal.example`, name: 'Sam', passwordHash: 'x', platformRole: 'SUPPORT' },
  });
  // Support staff need a second factor to open the console at all.
  await provisionTotp({ userId: user.id });
  supportUserId = user.id;
});
afterAll(async () => {
  await owner.end();
});

/**
 * Every row of every table, as text. Left out: the instances' heartbeats, and when a session was last seen
 * (bookkeeping of any request); and, for calls that may act on the caller's own account, every row that
 * names the caller (their user, organization or client) and the failure counters (keyed by hashes).
 */
async function databaseRows(own: { mentioning: string[] } | null): Promise<string[]> {
  const skipped = ['token_instances', ...(own ? ['rate_limits'] : [])];
  const { rows: tables } = await owner.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND NOT (tablename = ANY($1)) ORDER BY 1`,
    [skipped],
  );
  const all: string[] = [];
  for (const { name } of tables) {
    const dropped = name === 'user_sessions' ? ` - 'last_seen_at'` : '';
    const { rows } = await owner.query<{ row: string }>(`SELECT (to_jsonb(t)${dropped})::text AS row FROM "${name}" t`);
    for (const { row } of rows) all.push(`${name} ${row}`);
  }
  return all.filter((row) => !own?.mentioning.some((id) => row.includes(id))).sort();
}

/** What the caller owns: their user, and another organization's admin also their organization and its client. */
function ownedBy(w: World, caller: Exclude<Caller, 'signedOut'>): string[] {
  if (caller === 'viewer') return [w.viewer.id, w.viewer.email];
  return [w.other.actor.userId, w.other.actor.email, w.other.org.id, w.other.org.oauthClient!.id];
}

// ————— The table —————

/**
 * What a caller must get (exactly `answer`, or what `check` accepts), and whether the call may change what
 * the caller owns (`own`: an action on one's own account or organization, open to anyone signed in or to any
 * admin). Nothing else may change.
 */
interface Expected {
  answer?: unknown;
  check?: (answer: unknown, w: World) => void;
  own?: boolean;
}
const refused = (answer: unknown): Expected => ({ answer });
const own = (answer?: unknown): Expected => ({ own: true, answer });

interface Prepared {
  /** The call under test, made as whoever is signed in. */
  run: () => Promise<unknown>;
  /** Who may make the same call (default: the victim organization's admin). */
  owner?: string;
  /** What that rightful caller gets (default: `{ ok: true, … }`). */
  allowed?: (answer: unknown) => void;
}

interface Row {
  /** Sets up what the call targets (the victim's secret, alert, session, passkey…) in a new world. */
  prepare: (w: World) => Promise<Prepared>;
  otherAdmin: Expected;
  viewer: Expected;
  /** Default: the server actions' "sign in again". */
  signedOut?: unknown;
}

const succeeded = (answer: unknown) => expect(answer).toMatchObject({ ok: true });

/** A route handler's answer as the browser sees it. */
async function asSeen(response: Response) {
  return { status: response.status, body: await response.text() };
}

const keyForm = () => ({
  name: '',
  source: 'key',
  key: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  jwksUrl: '',
  scopes: ['api'],
});

/** A row for an action on one of the victim's secrets: another organization's admin finds nothing, a viewer may not. */
function onSecret(
  status: 'ACTIVE' | 'DISABLED',
  call: (credentialId: string) => Promise<unknown>,
  expected: Partial<Pick<Row, 'otherAdmin' | 'viewer'>> & { allowed?: Prepared['allowed'] } = {},
): Row {
  return {
    prepare: async (w) => {
      const { id } = await w.victim.secret(status);
      return { run: () => call(id), allowed: expected.allowed };
    },
    otherAdmin: expected.otherAdmin ?? refused(SECRET_NOT_FOUND),
    viewer: expected.viewer ?? refused(ADMINS_ONLY),
  };
}

/** One of the victim's webhook endpoints, added through the data layer. */
async function victimEndpoint(w: World) {
  const created = await createEndpoint({
    actor: w.victim.actor,
    url: `https://hooks.victim.example/${randomUUID()}`,
    eventTypes: [],
  });
  if (!created.ok) throw new Error(created.message);
  return created.endpoint.id;
}

/** A row for an action on one of the victim's endpoints: another organization's admin finds nothing, a viewer may not. */
function onEndpoint(call: (endpointId: string) => Promise<unknown>): Row {
  return {
    prepare: async (w) => {
      const endpointId = await victimEndpoint(w);
      return { run: () => call(endpointId) };
    },
    otherAdmin: refused(ENDPOINT_GONE),
    viewer: refused(WEBHOOK_ADMINS_ONLY),
  };
}

/** An open invitation of the victim's organization, with the token its mail carries (opened from the outbox). */
async function victimInvitation(w: World, email = `invitee-${randomUUID()}@example.test`) {
  const invited = await inviteMember({ actor: w.victim.actor, email, role: 'VIEWER' });
  if (!invited.ok) throw new Error(invited.message);
  const event = await prisma.event.findFirstOrThrow({
    where: { type: 'invitation.sent', data: { path: ['invitation_id'], equals: invited.invitation.id } },
  });
  const sealed = (event.data as { token_sealed: string }).token_sealed;
  return { id: invited.invitation.id, token: open(`invitation:${invited.invitation.id}`, sealed).toString() };
}

/** A row for an action on one of the victim's invitations. */
function onInvitation(call: (invitationId: string) => Promise<unknown>): Row {
  return {
    prepare: async (w) => {
      const { id } = await victimInvitation(w);
      return { run: () => call(id) };
    },
    otherAdmin: refused(INVITATION_GONE),
    viewer: refused(MEMBER_ADMINS_ONLY),
  };
}

const TABLE: Record<string, Row> = {
  // ————— app/(portal)/credentials/actions.ts —————
  'app/(portal)/credentials/actions.ts#createSecretAction': {
    prepare: async () => ({ run: () => credentials.createSecretAction() }),
    otherAdmin: own(),
    viewer: refused(ADMINS_ONLY),
  },
  'app/(portal)/credentials/actions.ts#createPublicKeyAction': {
    prepare: async () => ({ run: () => credentials.createPublicKeyAction(keyForm()) }),
    otherAdmin: own(),
    viewer: refused(ADMINS_ONLY),
  },
  'app/(portal)/credentials/actions.ts#createTrustedWorkloadAction': {
    prepare: async () => ({
      run: () =>
        credentials.createTrustedWorkloadAction({
          name: '',
          issuer: 'https://token.actions.githubusercontent.com',
          audience: 'credentials-console',
          subject: `repo:acme/${randomUUID()}:*`,
          scopes: ['api'],
        }),
    }),
    otherAdmin: own(),
    viewer: refused(ADMINS_ONLY),
  },
  'app/(portal)/credentials/actions.ts#setCredentialScopesAction': onSecret('ACTIVE', (credentialId) =>
    credentials.setCredentialScopesAction({ credentialId, scopes: ['sdk'] }),
  ),
  'app/(portal)/credentials/actions.ts#activateCredentialAction': onSecret('DISABLED', (credentialId) =>
    credentials.activateCredentialAction({ credentialId }),
  ),
  'app/(portal)/credentials/actions.ts#deactivateCredentialAction': onSecret('ACTIVE', (credentialId) =>
    credentials.deactivateCredentialAction({ credentialId, revokeTokens: true }),
  ),
  'app/(portal)/credentials/actions.ts#deleteCredentialAction': onSecret('DISABLED', (credentialId) =>
    credentials.deleteCredentialAction({ credentialId }),
  ),
  'app/(portal)/credentials/actions.ts#renameCredentialAction': onSecret('ACTIVE', (credentialId) =>
    credentials.renameCredentialAction({ credentialId, name: 'Taken over' }),
  ),
  'app/(portal)/credentials/actions.ts#setCredentialExpiryAction': onSecret('ACTIVE', (credentialId) =>
    credentials.setCredentialExpiryAction({ credentialId, expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
  ),
  'app/(portal)/credentials/actions.ts#rollSecretAction': onSecret('ACTIVE', (credentialId) =>
    credentials.rollSecretAction({ credentialId, graceSeconds: 3600 }),
  ),
  'app/(portal)/credentials/actions.ts#setAllowedRangesAction': onSecret('ACTIVE', (credentialId) =>
    credentials.setAllowedRangesAction({ credentialId, ranges: '198.51.100.0/24' }),
  ),
  'app/(portal)/credentials/actions.ts#bulkCredentialsAction': {
    prepare: async (w) => {
      const { id } = await w.victim.secret('ACTIVE');
      return {
        run: () => credentials.bulkCredentialsAction({ credentialIds: [id], action: 'deactivate' }),
        allowed: (answer) => expect(answer).toEqual({ ok: true, done: [id], failed: [] }),
      };
    },
    // Another organization's secrets are reported one by one, as missing.
    otherAdmin: refused({
      ok: true,
      done: [],
      failed: [{ credentialId: expect.any(String), message: SECRET_NOT_FOUND.message }],
    }),
    viewer: refused(ADMINS_ONLY),
  },
  'app/(portal)/credentials/actions.ts#getCredentialUsageAction': onSecret(
    'ACTIVE',
    (credentialId) => credentials.getCredentialUsageAction({ credentialId }),
    { viewer: refused(SECRET_NOT_FOUND) },
  ),
  'app/(portal)/credentials/actions.ts#makeDecoyAction': onSecret('DISABLED', (credentialId) =>
    credentials.makeDecoyAction({ credentialId }),
  ),
  'app/(portal)/credentials/actions.ts#acknowledgeAlertAction': {
    prepare: async (w) => {
      const { id: credentialId } = await w.victim.secret('DISABLED');
      await raiseSecurityAlert(prisma, { kind: 'decoy_used', credentialId, address: '203.0.113.50' });
      const alert = await prisma.securityAlert.findFirstOrThrow({ where: { credentialId } });
      return { run: () => credentials.acknowledgeAlertAction({ alertId: alert.id }) };
    },
    otherAdmin: refused({ ok: false, message: 'This alert was already acknowledged.' }),
    viewer: refused({ ok: false, message: 'Only an admin can acknowledge security alerts.' }),
  },

  // ————— app/(portal)/webhooks/actions.ts —————
  'app/(portal)/webhooks/actions.ts#createEndpointAction': {
    prepare: async () => ({
      run: () =>
        webhooks.createEndpointAction({
          url: `https://hooks.example/${randomUUID()}`,
          description: 'Planted',
          eventTypes: ['credential.leaked'],
        }),
    }),
    otherAdmin: own(),
    viewer: refused(WEBHOOK_ADMINS_ONLY),
  },
  'app/(portal)/webhooks/actions.ts#updateEndpointAction': onEndpoint((endpointId) =>
    webhooks.updateEndpointAction({
      endpointId,
      url: 'https://attacker.example/collect',
      description: '',
      eventTypes: ['credential.leaked'],
    }),
  ),
  'app/(portal)/webhooks/actions.ts#rollSigningSecretAction': onEndpoint((endpointId) =>
    webhooks.rollSigningSecretAction({ endpointId }),
  ),
  'app/(portal)/webhooks/actions.ts#setEndpointEnabledAction': onEndpoint((endpointId) =>
    webhooks.setEndpointEnabledAction({ endpointId, enabled: false }),
  ),
  'app/(portal)/webhooks/actions.ts#deleteEndpointAction': onEndpoint((endpointId) =>
    webhooks.deleteEndpointAction({ endpointId }),
  ),
  'app/(portal)/webhooks/actions.ts#sendTestEventAction': onEndpoint((endpointId) =>
    webhooks.sendTestEventAction({ endpointId }),
  ),
  'app/(portal)/webhooks/actions.ts#resendDeliveryAction': {
    prepare: async (w) => {
      const endpointId = await victimEndpoint(w);
      await sendTestEvent({ organizationId: w.victim.org.id, endpointId });
      const [delivery] = await listDeliveries({ organizationId: w.victim.org.id, endpointId, limit: 1 });
      // Settled, so that a refused resend would show as a change.
      await prisma.webhookDelivery.update({
        where: { id: delivery!.id },
        data: { status: 'failed', nextAttemptAt: null, completedAt: new Date() },
      });
      return { run: () => webhooks.resendDeliveryAction({ deliveryId: delivery!.id }) };
    },
    otherAdmin: refused({ ok: false, message: 'This delivery no longer exists. Reload the page.' }),
    viewer: refused(WEBHOOK_ADMINS_ONLY),
  },

  // ————— app/(portal)/actions.ts —————
  'app/(portal)/actions.ts#confirmIdentityAction': {
    // The victim's own passkey answering the victim's own challenge: no proof of anyone else's identity.
    prepare: async (w) => {
      const member = await victimMember(w);
      const { authenticator } = await withPasskey(member.id);
      await signIn(member.id);
      const options = await portal.confirmPasskeyOptionsAction();
      if (!options.ok) throw new Error(options.message);
      const answer = {
        method: 'passkey',
        challengeToken: options.challengeToken,
        response: authenticator.authenticate(options.options.challenge),
      };
      return { run: () => portal.confirmIdentityAction(answer), owner: member.id };
    },
    // A wrong answer counts as a failed attempt against the caller's own account.
    otherAdmin: own(PASSKEY_REFUSED),
    viewer: own(PASSKEY_REFUSED),
  },
  'app/(portal)/actions.ts#confirmPasskeyOptionsAction': {
    prepare: async () => ({ run: () => portal.confirmPasskeyOptionsAction() }),
    otherAdmin: own(),
    viewer: own(),
  },
  'app/(portal)/actions.ts#switchOrganizationAction': {
    // The victim's admin belongs to a second organization too; only its members may switch a session there.
    prepare: async (w) => {
      const second = await organizationWithAdmin('Second');
      await prisma.membership.create({
        data: { userId: w.victim.actor.userId, organizationId: second.org.id, role: 'VIEWER' },
      });
      return {
        run: () => portal.switchOrganizationAction({ organizationId: second.org.id }),
        allowed: (answer) => expect(answer).toEqual({ ok: true, organizationId: second.org.id }),
      };
    },
    otherAdmin: refused(NOT_YOUR_ORGANIZATION),
    viewer: refused(NOT_YOUR_ORGANIZATION),
  },

  // ————— app/(portal)/support/actions.ts —————
  'app/(portal)/support/actions.ts#emergencyDeactivateAction': {
    prepare: async (w) => {
      const { id } = await w.victim.secret('ACTIVE');
      const input = {
        organizationId: w.victim.org.id,
        credentialId: id,
        reason: 'Pasted into a public issue tracker.',
      };
      return { run: () => support.emergencyDeactivateAction(input), owner: supportUserId };
    },
    otherAdmin: refused(SUPPORT_ONLY),
    viewer: refused(SUPPORT_ONLY),
  },

  // ————— app/(portal)/security/actions.ts —————
  'app/(portal)/security/actions.ts#beginTotpSetupAction': {
    prepare: async () => ({ run: () => security.beginTotpSetupAction() }),
    otherAdmin: own(),
    viewer: own(),
  },
  'app/(portal)/security/actions.ts#confirmTotpSetupAction': {
    // The code of the victim's pending authenticator app confirms nothing of anyone else's.
    prepare: async (w) => {
      const member = await victimMember(w);
      const begun = await beginTotpEnrollment({ userId: member.id });
      if (!begun.ok) throw new Error(begun.message);
      const code = await generate({ secret: begun.secret });
      return { run: () => security.confirmTotpSetupAction({ code }), owner: member.id };
    },
    otherAdmin: refused(NOTHING_TO_CONFIRM),
    viewer: refused(NOTHING_TO_CONFIRM),
  },
  'app/(portal)/security/actions.ts#removeTotpAction': {
    prepare: async (w) => {
      const member = await victimMember(w);
      await provisionTotp({ userId: member.id });
      return { run: () => security.removeTotpAction(), owner: member.id };
    },
    otherAdmin: refused(NO_AUTHENTICATOR_APP),
    viewer: refused(NO_AUTHENTICATOR_APP),
  },
  'app/(portal)/security/actions.ts#startPasskeyRegistrationAction': {
    prepare: async () => ({ run: () => security.startPasskeyRegistrationAction() }),
    otherAdmin: own(),
    viewer: own(),
  },
  'app/(portal)/security/actions.ts#finishPasskeyRegistrationAction': {
    // The victim's registration ceremony, answered by an authenticator: it registers for the victim only.
    prepare: async (w) => {
      const member = await victimMember(w);
      const { rpID, origin } = relyingParty();
      const started = await passkeyRegistrationOptions({ userId: member.id });
      if (!started.ok) throw new Error(started.message);
      const input = {
        ceremony: started.ceremony,
        name: 'Planted key',
        response: new SoftAuthenticator(rpID, origin).register(started.options.challenge),
      };
      return { run: () => security.finishPasskeyRegistrationAction(input), owner: member.id };
    },
    otherAdmin: refused(CEREMONY_GONE),
    viewer: refused(CEREMONY_GONE),
  },
  'app/(portal)/security/actions.ts#renamePasskeyAction': {
    prepare: async (w) => {
      const member = await victimMember(w);
      const { passkeyId } = await withPasskey(member.id);
      return { run: () => security.renamePasskeyAction({ passkeyId, name: 'Renamed' }), owner: member.id };
    },
    otherAdmin: refused(PASSKEY_GONE),
    viewer: refused(PASSKEY_GONE),
  },
  'app/(portal)/security/actions.ts#removePasskeyAction': {
    prepare: async (w) => {
      const member = await victimMember(w);
      const { passkeyId } = await withPasskey(member.id);
      return { run: () => security.removePasskeyAction({ passkeyId }), owner: member.id };
    },
    otherAdmin: refused(PASSKEY_GONE),
    viewer: refused(PASSKEY_GONE),
  },
  'app/(portal)/security/actions.ts#regenerateRecoveryCodesAction': {
    prepare: async (w) => {
      const member = await victimMember(w);
      await provisionTotp({ userId: member.id });
      return { run: () => security.regenerateRecoveryCodesAction(), owner: member.id };
    },
    otherAdmin: refused(NO_SECOND_FACTOR),
    viewer: refused(NO_SECOND_FACTOR),
  },
  'app/(portal)/security/actions.ts#setTwoFactorRequirementAction': {
    prepare: async () => ({ run: () => security.setTwoFactorRequirementAction({ required: true }) }),
    otherAdmin: own(),
    viewer: refused({ ok: false, message: 'This setting is not available to your account.' }),
  },

  // ————— app/(portal)/security/sso-actions.ts —————
  'app/(portal)/security/sso-actions.ts#saveSsoSettingsAction': {
    // A new domain for every call: a domain, once saved, belongs to the organization that saved it.
    prepare: async () => ({ run: () => sso.saveSsoSettingsAction(ssoForm()) }),
    otherAdmin: own(),
    viewer: refused(SSO_ADMINS_ONLY),
  },
  'app/(portal)/security/sso-actions.ts#removeSsoSettingsAction': {
    prepare: async (w) => {
      const saved = await saveSsoSettings({
        actor: w.victim.actor,
        input: { ...ssoForm(), domains: [`victim-${randomUUID().slice(0, 8)}.example`], breakGlassUserId: null },
      });
      if (!saved.ok) throw new Error(saved.message);
      return { run: () => sso.removeSsoSettingsAction() };
    },
    otherAdmin: own(),
    viewer: refused(SSO_ADMINS_ONLY),
  },

  // ————— app/(portal)/security/account-actions.ts —————
  'app/(portal)/security/account-actions.ts#endSessionAction': {
    prepare: async (w) => {
      const { sessionId } = await sessionCookieFor(w.victim.actor.userId);
      return {
        run: () => account.endSessionAction({ sessionId }),
        allowed: (answer) => expect(answer).toEqual({ ok: true, current: false }),
      };
    },
    otherAdmin: refused(SESSION_GONE),
    viewer: refused(SESSION_GONE),
  },
  'app/(portal)/security/account-actions.ts#signOutEverywhereAction': {
    prepare: async (w) => {
      await sessionCookieFor(w.victim.actor.userId);
      return { run: () => account.signOutEverywhereAction() };
    },
    otherAdmin: own(),
    viewer: own(),
  },
  'app/(portal)/security/account-actions.ts#changePasswordAction': {
    prepare: async () => {
      const newPassword = 'another long passphrase 42';
      return {
        run: () =>
          account.changePasswordAction({ currentPassword: PASSWORD, newPassword, confirmPassword: newPassword }),
      };
    },
    otherAdmin: own(),
    viewer: own(),
  },
  'app/(portal)/security/account-actions.ts#setEmailPreferenceAction': {
    prepare: async () => ({
      run: () => account.setEmailPreferenceAction({ category: 'credential.leaked', enabled: false }),
      allowed: (answer) => expect(answer).toEqual({ ok: true, enabled: false }),
    }),
    // Another organization's admin chooses for themself; the victim's admins keep theirs.
    otherAdmin: own({ ok: true, enabled: false }),
    viewer: refused({ ok: false, message: 'Only admins get these emails.' }),
  },
  'app/(portal)/security/account-actions.ts#setReauthWindowAction': {
    prepare: async () => ({ run: () => account.setReauthWindowAction({ minutes: 60 }) }),
    otherAdmin: own(),
    viewer: refused({ ok: false, message: 'Only admins can change the organization’s security settings.' }),
  },

  // ————— app/(portal)/members/actions.ts —————
  'app/(portal)/members/actions.ts#inviteMemberAction': {
    prepare: async () => ({
      run: () => members.inviteMemberAction({ email: `invitee-${randomUUID()}@example.test`, role: 'ADMIN' }),
    }),
    otherAdmin: own(),
    viewer: refused(MEMBER_ADMINS_ONLY),
  },
  'app/(portal)/members/actions.ts#resendInvitationAction': onInvitation((invitationId) =>
    members.resendInvitationAction({ invitationId }),
  ),
  'app/(portal)/members/actions.ts#revokeInvitationAction': onInvitation((invitationId) =>
    members.revokeInvitationAction({ invitationId }),
  ),
  'app/(portal)/members/actions.ts#changeMemberRoleAction': {
    prepare: async (w) => ({ run: () => members.changeMemberRoleAction({ userId: w.viewer.id, role: 'ADMIN' }) }),
    otherAdmin: refused(MEMBER_GONE),
    viewer: refused(MEMBER_ADMINS_ONLY),
  },
  'app/(portal)/members/actions.ts#removeMemberAction': {
    prepare: async (w) => ({ run: () => members.removeMemberAction({ userId: w.viewer.id }) }),
    otherAdmin: refused(MEMBER_GONE),
    viewer: refused(MEMBER_ADMINS_ONLY),
  },

  // ————— app/invitation/actions.ts —————
  'app/invitation/actions.ts#acceptInvitationAction': {
    prepare: async (w) => {
      // The invitee: an account of its own, in no organization yet.
      const invitee = await prisma.user.create({
        data: { email: `invitee-${randomUUID()}@example.test`, name: 'Ivy', passwordHash: 'x' },
      });
      const { token } = await victimInvitation(w, invitee.email);
      return {
        run: () => invitation.acceptInvitationAction({ token }),
        owner: invitee.id,
        allowed: (answer) => expect(answer).toEqual({ ok: true, role: 'VIEWER' }),
      };
    },
    otherAdmin: { check: (answer) => expect(answer).toMatchObject({ ok: false, message: /^This invitation is for / }) },
    viewer: { check: (answer) => expect(answer).toMatchObject({ ok: false, message: /^This invitation is for / }) },
  },

  // ————— app/(portal)/audit-log/export/route.ts —————
  'app/(portal)/audit-log/export/route.ts#GET': {
    prepare: async (w) => {
      const { id } = await w.victim.secret('ACTIVE');
      const { preview } = await prisma.credential.findUniqueOrThrow({ where: { id } });
      const run = async () => asSeen(await auditExport.GET(new Request('http://portal.test/audit-log/export')));
      return {
        run,
        allowed: (answer) => expect(answer).toMatchObject({ status: 200, body: expect.stringContaining(preview) }),
      };
    },
    // Another organization's admin exports their own trail, without a line of the victim's.
    otherAdmin: {
      check: (answer, w) => {
        expect(answer).toMatchObject({ status: 200 });
        expect((answer as { body: string }).body).not.toContain(w.victim.actor.name);
      },
    },
    viewer: refused({ status: 403, body: 'Only admins can export the audit log.' }),
    signedOut: { status: 401, body: 'Sign in to export the audit log.' },
  },
};

// ————— Finding every action and route handler —————

/**
 * Route handlers that do not act for a signed-in user, and who may call them instead (their own tests pair
 * "allows" with "blocks"). Every other route handler needs rows in the table.
 */
const OTHER_ROUTES: Record<string, string> = {
  'app/.well-known/jwks.json/route.ts': 'anyone: the public keys that verify access tokens',
  'app/.well-known/oauth-authorization-server/route.ts': 'anyone: the authorization server metadata',
  'app/api/openapi.json/route.ts': 'anyone: the API description',
  'app/api/auth/[...nextauth]/route.ts': "next-auth's own endpoints",
  'app/api/auth/sign-in/route.ts': 'a person signing in, before there is a session',
  'app/api/auth/second-factor/route.ts': 'a person signing in, before there is a session',
  'app/api/auth/second-factor/passkey/route.ts': 'a person signing in, before there is a session',
  'app/api/auth/invitation/route.ts': 'a new person accepting an invitation, before there is a session',
  'app/api/auth/invitation/lookup/route.ts': 'a person opening an invitation link, before there is a session',
  'app/api/auth/sso/start/route.ts': 'a person signing in through single sign-on, before there is a session',
  'app/api/auth/sso/callback/route.ts': 'a person back from their identity provider, before there is a session',
  'app/api/oauth/token/route.ts': 'OAuth clients, authenticated by their credentials',
  'app/api/oauth/revoke/route.ts': 'OAuth clients, authenticated by their credentials',
  'app/api/oauth/introspect/route.ts': 'OAuth clients, authenticated by their credentials',
  'app/api/v1/me/route.ts': 'holders of an access token',
  'app/api/platform/tenants/route.ts': 'holders of the platform API token',
  'app/api/platform/tenants/[organizationId]/route.ts': 'holders of the platform API token',
  'app/api/platform/tenants/[organizationId]/clock/route.ts': 'holders of the platform API token',
  'app/api/platform/tenants/[organizationId]/events/route.ts': 'holders of the platform API token',
  'app/api/secrets/revoke/route.ts': 'anyone: public reports of leaked secrets',
  'app/api/test-clock/route.ts': 'test runs only (TEST_CLOCK=1)',
};

/** Of those, the ones that read the session only to refuse it: next-auth's session endpoint answers no user once the session row is gone. */
const READ_THE_SESSION_TO_REFUSE = new Set(['app/api/auth/[...nextauth]/route.ts']);

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(ROOT, dir), { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const relative = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'generated') files.push(...(await sourceFiles(relative)));
    } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) files.push(relative);
  }
  return files;
}

const USE_SERVER = /['"]use server['"]/;
/** A module-level directive: the first statement, after comments only. */
const MODULE_USE_SERVER = /^(?:\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use server['"]/;
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** What a browser can call, as `file#export`: every server action, every method of every other route handler. */
async function callableByBrowsers() {
  const entries: string[] = [];
  const inline: string[] = [];
  const routes: string[] = [];
  const otherRoutesReadingTheSession: string[] = [];
  for (const file of (await Promise.all(['app', 'components', 'lib', 'server'].map(sourceFiles))).flat()) {
    const source = await readFile(path.join(ROOT, file), 'utf8');
    const serverActions = MODULE_USE_SERVER.test(source);
    if (!serverActions && USE_SERVER.test(source)) inline.push(file);
    const route = file.startsWith('app/') && /(^|\/)route\.ts$/.test(file);
    if (route) routes.push(file);
    if (route && file in OTHER_ROUTES) {
      if (source.includes('@/lib/auth/session') && !READ_THE_SESSION_TO_REFUSE.has(file))
        otherRoutesReadingTheSession.push(file);
      continue;
    }
    if (!serverActions && !route) continue;
    const module: Record<string, unknown> = await import(/* @vite-ignore */ path.join(ROOT, file));
    for (const [name, value] of Object.entries(module)) {
      if (typeof value === 'function' && (serverActions || HTTP_METHODS.has(name))) entries.push(`${file}#${name}`);
    }
  }
  return { entries: entries.sort(), inline, routes, otherRoutesReadingTheSession };
}

describe('authorization of every server action and session route handler', () => {
  it('has exactly one row per server action and per method of a route handler for signed-in users', async () => {
    const found = await callableByBrowsers();
    expect(found.inline, 'server actions declared inside another module (move them to an actions module)').toEqual([]);
    expect(found.otherRoutesReadingTheSession, 'route handlers listed as not acting for a signed-in user').toEqual([]);
    expect(
      Object.keys(OTHER_ROUTES).filter((file) => !found.routes.includes(file)),
      'route handlers listed that no longer exist',
    ).toEqual([]);
    expect(Object.keys(TABLE).sort(), "the table's rows (+) against what the code exports (-)").toEqual(found.entries);
  });

  it.each(Object.keys(TABLE))('%s', async (key) => {
    const row = TABLE[key]!;
    const w = await world();
    const prepared = await row.prepare(w);

    for (const caller of CALLERS) {
      const expected: Expected = caller === 'signedOut' ? refused(row.signedOut ?? SIGNED_OUT) : row[caller];
      const ownRows = expected.own && caller !== 'signedOut' ? { mentioning: ownedBy(w, caller) } : null;
      await signIn(caller === 'signedOut' ? null : userOf(w, caller));
      const before = await databaseRows(ownRows);
      const answer = await prepared.run();
      if (expected.answer !== undefined) expect(answer, `the answer to ${caller}`).toEqual(expected.answer);
      expected.check?.(answer, w);
      const after = await databaseRows(ownRows);
      const kept = new Set(before);
      const now = new Set(after);
      expect(
        { added: after.filter((line) => !kept.has(line)), removed: before.filter((line) => !now.has(line)) },
        `what ${caller} changed`,
      ).toEqual({ added: [], removed: [] });
    }

    // The same call, made by its rightful caller, goes through.
    await signIn(prepared.owner ?? w.victim.actor.userId);
    (prepared.allowed ?? succeeded)(await prepared.run());
  });
});
