import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { prisma } from '@/lib/db';
import { organizationWithAdmin, resetRateLimits } from '../helpers/fixtures';
import { headersModule, sessionCookieFor } from '../helpers/signed-in';

const jar = vi.hoisted(() => ({ cookie: null as string | null }));
vi.mock('next/headers', () => headersModule(jar));
vi.mock('next/cache', () => ({ revalidatePath: () => {} }));

process.env.TEST_CLOCK = '1';
const credentials = await import('@/app/(portal)/credentials/actions');
const account = await import('@/app/(portal)/security/account-actions');
const webhooks = await import('@/app/(portal)/webhooks/actions');
const members = await import('@/app/(portal)/members/actions');
const { inviteMember } = await import('@/lib/data/members');
const { createMember } = await import('@/lib/data/organizations');
const { createEndpoint } = await import('@/lib/data/webhook-endpoints');
const { confirmIdentityAction } = await import('@/app/(portal)/actions');
const { setClockOffset } = await import('@/lib/clock');
const sso = await import('@/app/(portal)/security/sso-actions');
const { saveSsoSettings } = await import('@/lib/data/sso');

const PASSWORD = 'test-password-123';
const MINUTE = 60_000;
let fixture: Awaited<ReturnType<typeof organizationWithAdmin>>;

beforeAll(async () => {
  fixture = await organizationWithAdmin('Sudo');
});
afterAll(() => {
  setClockOffset(0);
  delete process.env.TEST_CLOCK;
});
beforeEach(async () => {
  setClockOffset(0);
  await resetRateLimits();
  await prisma.organization.update({ where: { id: fixture.org.id }, data: { reauthWindowMinutes: 15 } });
  jar.cookie = (await sessionCookieFor(fixture.actor.userId)).cookie;
});

async function disabledSecret() {
  setClockOffset(0);
  const created = await credentials.createSecretAction();
  if (!created.ok) throw new Error(created.message);
  return created.secret.id;
}
async function activeSecret() {
  const id = await disabledSecret();
  const activated = await credentials.activateCredentialAction({ credentialId: id });
  if (!activated.ok) throw new Error(activated.message);
  return id;
}

async function webhookEndpoint() {
  const created = await createEndpoint({
    actor: fixture.actor,
    url: `https://hooks.sudo.example/${randomUUID()}`,
    eventTypes: [],
  });
  if (!created.ok) throw new Error(created.message);
  return created.endpoint.id;
}

async function invitation() {
  setClockOffset(0);
  const invited = await inviteMember({
    actor: fixture.actor,
    email: `sudo-${randomUUID()}@example.test`,
    role: 'VIEWER',
  });
  if (!invited.ok) throw new Error(invited.message);
  return prisma.invitation.findUniqueOrThrow({ where: { id: invited.invitation.id } });
}

async function viewer() {
  const user = await createMember({
    organizationId: fixture.org.id,
    email: `sudo-viewer-${randomUUID()}@example.test`,
    name: 'Vera',
    password: PASSWORD,
    role: 'VIEWER',
  });
  return user.id;
}

let hashBefore = '';

const SSO_FORM = {
  issuer: 'https://login.sudo.example',
  clientId: 'portal',
  clientSecret: 'client-secret',
  createAccounts: false,
  requireSso: false,
  breakGlassUserId: '',
  idpSatisfiesTwoFactor: false,
};

/** Every sensitive server action, with a way to see whether it changed anything. */
const SENSITIVE: Record<
  string,
  { run: () => Promise<{ ok: boolean; code?: string }>; changed: () => Promise<boolean>; prepare?: () => Promise<void> }
> = {};
let target = '';
let countBefore = 0;
Object.assign(SENSITIVE, {
  'create a secret': {
    prepare: async () => {
      countBefore = await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } });
    },
    run: () => credentials.createSecretAction(),
    changed: async () =>
      (await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } })) !== countBefore,
  },
  'activate a secret': {
    prepare: async () => {
      target = await disabledSecret();
    },
    run: () => credentials.activateCredentialAction({ credentialId: target }),
    changed: async () => (await prisma.credential.findUniqueOrThrow({ where: { id: target } })).status === 'ACTIVE',
  },
  'roll a secret': {
    prepare: async () => {
      target = await activeSecret();
    },
    run: () => credentials.rollSecretAction({ credentialId: target, graceSeconds: 3600 }),
    changed: async () => (await prisma.credential.findUniqueOrThrow({ where: { id: target } })).replacedById !== null,
  },
  'change allowed addresses': {
    prepare: async () => {
      target = await activeSecret();
    },
    run: () => credentials.setAllowedRangesAction({ credentialId: target, ranges: '10.0.0.0/8' }),
    changed: async () => (await prisma.credential.findUniqueOrThrow({ where: { id: target } })).allowedCidrs.length > 0,
  },
  'make a decoy': {
    prepare: async () => {
      target = await disabledSecret();
    },
    run: () => credentials.makeDecoyAction({ credentialId: target }),
    changed: async () => (await prisma.credential.findUniqueOrThrow({ where: { id: target } })).isDecoy,
  },
  'add a restricted secret': {
    prepare: async () => {
      countBefore = await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } });
    },
    run: () => credentials.createSecretAction({ scopes: ['api'] }),
    changed: async () =>
      (await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } })) !== countBefore,
  },
  'add a public key': {
    prepare: async () => {
      countBefore = await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } });
    },
    run: () =>
      credentials.createPublicKeyAction({
        name: '',
        source: 'key',
        key: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        jwksUrl: '',
        scopes: ['sdk', 'api'],
      }),
    changed: async () =>
      (await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } })) !== countBefore,
  },
  'add a trusted workload': {
    prepare: async () => {
      countBefore = await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } });
    },
    run: () =>
      credentials.createTrustedWorkloadAction({
        name: '',
        issuer: 'https://token.actions.githubusercontent.com',
        audience: 'https://portal.example',
        subject: `repo:acme/${randomUUID()}:*`,
        scopes: ['api'],
      }),
    changed: async () =>
      (await prisma.credential.count({ where: { oauthClient: { organizationId: fixture.org.id } } })) !== countBefore,
  },
  'change scopes': {
    prepare: async () => {
      target = await activeSecret();
    },
    run: () => credentials.setCredentialScopesAction({ credentialId: target, scopes: ['sdk'] }),
    changed: async () => (await prisma.credential.findUniqueOrThrow({ where: { id: target } })).scopes.join() === 'sdk',
  },
  'add a webhook endpoint': {
    prepare: async () => {
      countBefore = await prisma.webhookEndpoint.count({ where: { organizationId: fixture.org.id } });
    },
    run: () =>
      webhooks.createEndpointAction({
        url: `https://hooks.sudo.example/${randomUUID()}`,
        description: '',
        eventTypes: ['credential.leaked'],
      }),
    changed: async () =>
      (await prisma.webhookEndpoint.count({ where: { organizationId: fixture.org.id } })) !== countBefore,
  },
  'change where a webhook endpoint sends': {
    prepare: async () => {
      target = await webhookEndpoint();
    },
    run: () =>
      webhooks.updateEndpointAction({
        endpointId: target,
        url: 'https://hooks.sudo.example/moved',
        description: '',
        eventTypes: ['credential.leaked'],
      }),
    changed: async () =>
      (await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: target } })).url ===
      'https://hooks.sudo.example/moved',
  },
  "roll a webhook endpoint's signing secret": {
    prepare: async () => {
      target = await webhookEndpoint();
    },
    run: () => webhooks.rollSigningSecretAction({ endpointId: target }),
    changed: async () =>
      (await prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: target } })).previousSecretSealed !== null,
  },
  'delete a webhook endpoint': {
    prepare: async () => {
      target = await webhookEndpoint();
    },
    run: () => webhooks.deleteEndpointAction({ endpointId: target }),
    changed: async () => (await prisma.webhookEndpoint.count({ where: { id: target } })) === 0,
  },
  'invite a member': {
    prepare: async () => {
      countBefore = await prisma.invitation.count({ where: { organizationId: fixture.org.id } });
    },
    run: () => members.inviteMemberAction({ email: `sudo-${randomUUID()}@example.test`, role: 'ADMIN' }),
    changed: async () => (await prisma.invitation.count({ where: { organizationId: fixture.org.id } })) !== countBefore,
  },
  'resend an invitation': {
    prepare: async () => {
      const sent = await invitation();
      [target, hashBefore] = [sent.id, sent.tokenHash];
    },
    run: () => members.resendInvitationAction({ invitationId: target }),
    changed: async () =>
      (await prisma.invitation.findUniqueOrThrow({ where: { id: target } })).tokenHash !== hashBefore,
  },
  'revoke an invitation': {
    prepare: async () => {
      target = (await invitation()).id;
    },
    run: () => members.revokeInvitationAction({ invitationId: target }),
    changed: async () => (await prisma.invitation.findUniqueOrThrow({ where: { id: target } })).revokedAt !== null,
  },
  "change a member's role": {
    prepare: async () => {
      target = await viewer();
    },
    run: () => members.changeMemberRoleAction({ userId: target, role: 'ADMIN' }),
    changed: async () => (await prisma.membership.findFirstOrThrow({ where: { userId: target } })).role === 'ADMIN',
  },
  'remove a member': {
    prepare: async () => {
      target = await viewer();
    },
    run: () => members.removeMemberAction({ userId: target }),
    changed: async () => (await prisma.membership.count({ where: { userId: target } })) === 0,
  },
  'save single sign-on': {
    prepare: async () => {
      await prisma.ssoConnection.deleteMany({ where: { organizationId: fixture.org.id } });
    },
    run: () => sso.saveSsoSettingsAction({ ...SSO_FORM, domains: `sudo-${randomUUID().slice(0, 8)}.example` }),
    changed: async () => (await prisma.ssoConnection.count({ where: { organizationId: fixture.org.id } })) === 1,
  },
  'turn off single sign-on': {
    prepare: async () => {
      await prisma.ssoConnection.deleteMany({ where: { organizationId: fixture.org.id } });
      const saved = await saveSsoSettings({
        actor: fixture.actor,
        input: { ...SSO_FORM, domains: [`sudo-${randomUUID().slice(0, 8)}.example`], breakGlassUserId: null },
      });
      if (!saved.ok) throw new Error(saved.message);
    },
    run: () => sso.removeSsoSettingsAction(),
    changed: async () => (await prisma.ssoConnection.count({ where: { organizationId: fixture.org.id } })) === 0,
  },
  'change the confirmation window': {
    run: () => account.setReauthWindowAction({ minutes: 60 }),
    changed: async () =>
      (await prisma.organization.findUniqueOrThrow({ where: { id: fixture.org.id } })).reauthWindowMinutes === 60,
  },
});

describe('re-authentication for sensitive actions', () => {
  for (const [name, action] of Object.entries(SENSITIVE)) {
    it(`allows "${name}" within the window after sign-in`, async () => {
      await action.prepare?.();
      setClockOffset(14 * MINUTE);
      expect((await action.run()).ok).toBe(true);
      expect(await action.changed()).toBe(true);
    });

    it(`blocks "${name}" 16 minutes after sign-in, changing nothing, until the user confirms`, async () => {
      await action.prepare?.();
      setClockOffset(16 * MINUTE);
      expect(await action.run()).toEqual({
        ok: false,
        code: 'reauth_required',
        message: "Confirm it's you to continue.",
      });
      expect(await action.changed()).toBe(false);

      const wrong = await confirmIdentityAction({ method: 'password', password: 'not-my-password' });
      expect(wrong).toMatchObject({ ok: false, fieldErrors: { password: 'That password is not correct.' } });
      expect((await action.run()).code).toBe('reauth_required');

      expect(await confirmIdentityAction({ method: 'password', password: PASSWORD })).toEqual({ ok: true });
      expect((await action.run()).ok).toBe(true);
      expect(await action.changed()).toBe(true);
    });
  }

  it("uses the organization's window", async () => {
    await prisma.organization.update({ where: { id: fixture.org.id }, data: { reauthWindowMinutes: 60 } });
    setClockOffset(50 * MINUTE);
    expect((await credentials.createSecretAction()).ok).toBe(true);
    setClockOffset(61 * MINUTE);
    expect((await credentials.createSecretAction()).ok).toBe(false);
  });

  it('does not ask before everyday changes (rename, deactivate)', async () => {
    const id = await activeSecret();
    setClockOffset(16 * MINUTE);
    expect((await credentials.renameCredentialAction({ credentialId: id, name: 'Renamed later' })).ok).toBe(true);
    expect((await credentials.deactivateCredentialAction({ credentialId: id })).ok).toBe(true);
  });

  it('does not ask before disabling, enabling or testing a webhook endpoint', async () => {
    const endpointId = await webhookEndpoint();
    setClockOffset(16 * MINUTE);
    expect(await webhooks.setEndpointEnabledAction({ endpointId, enabled: false })).toEqual({ ok: true });
    expect(await webhooks.setEndpointEnabledAction({ endpointId, enabled: true })).toEqual({ ok: true });
    expect((await webhooks.sendTestEventAction({ endpointId })).ok).toBe(true);
  });

  it('refuses a confirmation window outside the offered choices', async () => {
    expect(await account.setReauthWindowAction({ minutes: 1 })).toMatchObject({ ok: false });
    expect(await account.setReauthWindowAction({ minutes: 100_000 })).toMatchObject({ ok: false });
    expect((await prisma.organization.findUniqueOrThrow({ where: { id: fixture.org.id } })).reauthWindowMinutes).toBe(
      15,
    );
  });

  it('records each confirmation in the audit trail', async () => {
    setClockOffset(16 * MINUTE);
    await confirmIdentityAction({ method: 'password', password: PASSWORD });
    expect(
      await prisma.auditEvent.count({ where: { organizationId: fixture.org.id, action: 'reauthenticated' } }),
    ).toBeGreaterThan(0);
  });
});
