import { randomUUID } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import { createMember } from '@/lib/data/organizations';
import { getActorByUserId, setPassword } from '@/lib/data/users';
import { createSession, endSessions } from '@/lib/data/sessions';
import { pruneKnownBrowsers, rememberBrowser } from '@/lib/data/known-browsers';
import { provisionTotp, redeemRecoveryCode, removeTotp } from '@/lib/data/two-factor';
import { completeSignIn, passwordStep } from '@/lib/auth/sign-in';
import type { Actor } from '@/lib/identity/actor';
import { mailsForEvents } from '@/lib/data/event-mail';
import type { DispatchedEvent } from '@/lib/data/events';
import { emailPreferences, setEmailPreference } from '@/lib/data/mail-preferences';
import { startMailWorker } from '@/lib/jobs/mail-worker';
import { QUEUES } from '@/lib/db/job-queue';
import { organizationWithAdmin } from '../helpers/fixtures';
import { eventually, startSmtpSink } from '../helpers/smtp-sink';

const PASSWORD = 'test-password-123';
const CREDENTIAL = {
  id: '6f1c1d43-35a4-4fb8-9d7f-1b1e4c1f2a11',
  name: 'Secret 3',
  kind: 'secret',
  preview: 'uqs_…x7Qa',
  status: 'active',
  scopes: [],
  expires_at: '2026-12-14T09:00:00.000Z',
};

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let boss: PgBoss;

beforeAll(async () => {
  sink = await startSmtpSink();
  process.env.SMTP_URL = sink.url;
  process.env.PORTAL_URL = 'https://portal.example.test';
  // As the lead's server will: the application role, with the queue's schema made by the migration owner.
  boss = new PgBoss({ connectionString: process.env.DATABASE_URL, migrate: false, schedule: false });
  boss.on('error', (error) => console.error(error));
  await boss.start();
  await startMailWorker(boss);
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await sink?.stop();
  delete process.env.SMTP_URL;
});

beforeEach(() => {
  sink.received.length = 0;
});

async function adminOf(organizationId: string, name: string) {
  const user = await createMember({
    organizationId,
    email: `${name.toLowerCase()}-${randomUUID()}@example.test`,
    name,
    password: PASSWORD,
    role: 'ADMIN',
  });
  return (await getActorByUserId({ userId: user.id })) as Actor;
}

function event(input: Partial<DispatchedEvent> & Pick<DispatchedEvent, 'type'>): DispatchedEvent {
  return {
    id: `msg_${randomUUID().replaceAll('-', '')}`,
    organizationId: null,
    userId: null,
    data: {},
    createdAt: new Date('2026-12-07T09:00:00Z'),
    test: false,
    ...input,
  };
}

describe('who is emailed about an event (mailsForEvents)', () => {
  it('emails every admin of the organization about an event that needs a person, but not viewers or other organizations', async () => {
    const { org, actor: ada } = await organizationWithAdmin('Acme');
    const bob = await adminOf(org.id, 'Bob');
    await createMember({
      organizationId: org.id,
      email: `viewer-${randomUUID()}@example.test`,
      name: 'Vic',
      password: PASSWORD,
      role: 'VIEWER',
    });
    await organizationWithAdmin('Elsewhere');
    const leaked = event({
      type: 'credential.leaked',
      organizationId: org.id,
      data: { organization_id: org.id, credential: CREDENTIAL, address: '203.0.113.7' },
    });
    const mails = await prisma.$transaction((tx) => mailsForEvents(tx, [leaked]));
    expect(mails.map((mail) => mail.to).sort()).toEqual([ada.email, bob.email].sort());
    for (const mail of mails) {
      expect(mail.eventId).toBe(leaked.id);
      expect(mail.subject).toBe('Secret 3 was reported leaked and has been deactivated');
      expect(mail.text).toContain(`https://portal.example.test/credentials/${CREDENTIAL.id}`);
    }
  });

  it('leaves out an admin who switched the category off, for that category only', async () => {
    const { org, actor: ada } = await organizationWithAdmin('Acme');
    const bob = await adminOf(org.id, 'Bob');
    expect(await setEmailPreference({ actor: bob, category: 'credential.expiring', enabled: false })).toEqual({
      ok: true,
      enabled: false,
    });
    const expiring = event({
      type: 'credential.expiring',
      organizationId: org.id,
      data: {
        organization_id: org.id,
        credential: CREDENTIAL,
        stops_at: '2026-12-14T09:00:00.000Z',
        stops_because: 'expiry',
        days: 7,
      },
    });
    const disabled = event({
      type: 'webhook.endpoint_disabled',
      organizationId: org.id,
      data: { organization_id: org.id, endpoint: { id: randomUUID(), url: 'https://hooks.example.com/in' } },
    });
    const mails = await prisma.$transaction((tx) => mailsForEvents(tx, [expiring, disabled]));
    expect(mails.filter((mail) => mail.eventId === expiring.id).map((mail) => mail.to)).toEqual([ada.email]);
    expect(
      mails
        .filter((mail) => mail.eventId === disabled.id)
        .map((mail) => mail.to)
        .sort(),
    ).toEqual([ada.email, bob.email].sort());
    expect(mails.find((mail) => mail.eventId === expiring.id)!.subject).toBe(
      'Secret 3 stops working in 7 days (Dec 14, 2026, 09:00 UTC)',
    );

    // Switched on again, Bob is emailed again.
    await setEmailPreference({ actor: bob, category: 'credential.expiring', enabled: true });
    const again = await prisma.$transaction((tx) => mailsForEvents(tx, [expiring]));
    expect(again.map((mail) => mail.to).sort()).toEqual([ada.email, bob.email].sort());
  });

  it('emails an account event to its user alone, and nobody about samples or events that need no person', async () => {
    const { org, actor: ada } = await organizationWithAdmin('Acme');
    const bob = await adminOf(org.id, 'Bob');
    const account = event({
      type: 'account.password_changed',
      organizationId: org.id,
      userId: bob.userId,
      data: { organization_id: org.id, address: '198.51.100.4', user_agent: null },
    });
    const sample = event({
      type: 'credential.leaked',
      organizationId: org.id,
      test: true,
      data: { organization_id: org.id, credential: CREDENTIAL, test: true },
    });
    const created = event({
      type: 'credential.created',
      organizationId: org.id,
      data: { organization_id: org.id, credential: CREDENTIAL },
    });
    const mails = await prisma.$transaction((tx) => mailsForEvents(tx, [account, sample, created]));
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ to: bob.email, eventId: account.id, subject: 'Your password was changed' });
    expect(mails[0]!.text).toContain('https://portal.example.test/security');
    expect(mails.some((mail) => mail.to === ada.email)).toBe(false);
  });

  it('lets only admins choose, each for themself', async () => {
    const { org, actor: ada } = await organizationWithAdmin('Acme');
    const viewer = (await getActorByUserId({
      userId: (
        await createMember({
          organizationId: org.id,
          email: `viewer-${randomUUID()}@example.test`,
          name: 'Vic',
          password: PASSWORD,
          role: 'VIEWER',
        })
      ).id,
    })) as Actor;
    expect(await setEmailPreference({ actor: viewer, category: 'credential.leaked', enabled: false })).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(await emailPreferences({ actor: viewer })).toBeNull();
    expect(await setEmailPreference({ actor: ada, category: 'credential.created', enabled: false })).toMatchObject({
      ok: false,
      code: 'invalid_input',
    });
    const preferences = await emailPreferences({ actor: ada });
    expect(Object.values(preferences!).every(Boolean)).toBe(true);
    expect(Object.keys(preferences!)).toEqual([
      'credential.expiring',
      'credential.expired',
      'credential.leaked',
      'credential.decoy_triggered',
      'credential.new_caller',
      'webhook.endpoint_disabled',
    ]);
  });
});

describe('the mail worker', () => {
  it('sends each queued mail over SMTP, as composed', async () => {
    const { org, actor: ada } = await organizationWithAdmin('Acme');
    const decoy = event({
      type: 'credential.decoy_triggered',
      organizationId: org.id,
      data: {
        organization_id: org.id,
        credential: { ...CREDENTIAL, name: '<script>alert(1)</script>' },
        address: '203.0.113.9',
        user_agent: 'curl/8.4.0',
      },
    });
    const [mail] = await prisma.$transaction((tx) => mailsForEvents(tx, [decoy]));
    await boss.send(QUEUES.email, mail!);
    const received = await eventually(() => {
      const found = sink.received.find((item) => item.eventId === decoy.id);
      if (!found) throw new Error('not arrived yet');
      return found;
    });
    expect(received.to).toBe(ada.email);
    expect(received.from).toBe('"Credentials Console" <no-reply@localhost>');
    expect(received.subject).toBe('A decoy was used: Secret “<script>alert(1)</script>”');
    expect(received.text).toContain('from curl/8.4.0, address 203.0.113.9');
    expect(received.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(received.html).not.toContain('<script>');
    expect(received.html).toContain(`href="https://portal.example.test/credentials/${CREDENTIAL.id}"`);
  });

  it('retries a mail the server refused for now, and sends it once', async () => {
    const eventId = `msg_${randomUUID().replaceAll('-', '')}`;
    sink.refuse(1);
    const refusedBefore = sink.refusedCount();
    // The queue waits 30 s and more between attempts; this job asks for 1 s to keep the test short.
    await boss.send(
      QUEUES.email,
      { to: 'ops@example.test', subject: 'Retry me', text: 'Hello', html: '<p>Hello</p>', eventId },
      { retryDelay: 1, retryBackoff: false },
    );
    const received = await eventually(() => {
      const found = sink.received.filter((item) => item.eventId === eventId);
      if (found.length === 0) throw new Error('not arrived yet');
      return found;
    }, 20_000);
    expect(sink.refusedCount() - refusedBefore).toBe(1);
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toBe('Retry me');
  });

  it('maintains the queue with the application role’s privileges', async () => {
    await expect(boss.maintain()).resolves.toEqual({ ms: expect.any(Number) });
  });
});

describe('account security events', () => {
  let owner: pg.Client;
  beforeAll(async () => {
    owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    // A change whose transaction fails at COMMIT, after every row of it (change, audit row, event) was written.
    await owner.query(`
      CREATE FUNCTION refuse_commit() RETURNS trigger AS $$
      BEGIN
        IF NEW.user_agent = 'refuse-commit' THEN RAISE EXCEPTION 'refused at commit'; END IF;
        RETURN NULL;
      END $$ LANGUAGE plpgsql;
      CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON audit_events
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_commit();`);
  });
  afterAll(async () => {
    await owner.query('DROP TRIGGER refuse_commit ON audit_events; DROP FUNCTION refuse_commit();');
    await owner.end();
  });

  const committed = {
    address: '198.51.100.20',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/150.0 Safari/537.36',
  };
  const rolledBack = { address: '198.51.100.20', userAgent: 'refuse-commit' };

  async function eventsOf(userId: string) {
    return prisma.event.findMany({ where: { userId }, orderBy: { createdAt: 'asc' } });
  }

  it.each([
    {
      type: 'account.password_changed',
      change: (userId: string, context: typeof committed) =>
        setPassword({ userId, passwordHash: 'x', context }).then(() => undefined),
    },
    {
      type: 'account.signed_out_everywhere',
      change: async (userId: string, context: typeof committed) => {
        await createSession({ userId, context: committed });
        await endSessions({ userId, reason: 'signed_out_everywhere', context });
      },
    },
    {
      type: 'account.factor_added',
      change: (userId: string, context: typeof committed) => provisionTotp({ userId, context }).then(() => undefined),
    },
    {
      type: 'account.factor_removed',
      change: async (userId: string, context: typeof committed) => {
        if (context === rolledBack) await provisionTotp({ userId, context: committed });
        await removeTotp({ userId, context });
      },
    },
  ])('writes $type with the change, and none when the change rolls back', async ({ type, change }) => {
    const { org, actor } = await organizationWithAdmin();
    await expect(change(actor.userId, rolledBack)).rejects.toThrow(/refused at commit/);
    expect((await eventsOf(actor.userId)).filter((row) => row.type === type)).toEqual([]);

    await change(actor.userId, committed);
    const written = (await eventsOf(actor.userId)).filter((row) => row.type === type);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ organizationId: org.id, userId: actor.userId, test: false });
    expect(written[0]!.id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(written[0]!.data).toMatchObject({ organization_id: org.id, address: committed.address });
  });

  it('writes account.recovery_code_used with how many codes are left, never the code', async () => {
    const { actor } = await organizationWithAdmin();
    const { recoveryCodes } = await provisionTotp({ userId: actor.userId, context: committed });
    await expect(
      redeemRecoveryCode({ userId: actor.userId, code: recoveryCodes[0]!, context: rolledBack }),
    ).rejects.toThrow(/refused at commit/);
    expect((await eventsOf(actor.userId)).filter((row) => row.type === 'account.recovery_code_used')).toEqual([]);
    expect(await redeemRecoveryCode({ userId: actor.userId, code: recoveryCodes[0]!, context: committed })).toBe(true);
    const [used] = (await eventsOf(actor.userId)).filter((row) => row.type === 'account.recovery_code_used');
    expect(used!.data).toMatchObject({ remaining: recoveryCodes.length - 1 });
    expect(JSON.stringify(used!.data)).not.toContain(recoveryCodes[0]!);
  });

  it('emails a sign-in from a browser not seen before, but not the first sign-in ever nor a known browser', async () => {
    const { actor } = await organizationWithAdmin();
    const signIn = async (browser: string | null, context = committed) => {
      const step = await passwordStep({ email: actor.email, password: PASSWORD, context });
      return completeSignIn({ token: (step as { token: string }).token, context, browser });
    };
    const newBrowserEvents = async () =>
      (await eventsOf(actor.userId)).filter((row) => row.type === 'account.new_browser');
    const [laptop, phone, tablet] = ['a', 'b', 'c'].map((letter) => letter.repeat(43));

    await signIn(laptop!);
    await signIn(laptop!);
    expect(await newBrowserEvents()).toEqual([]);

    await signIn(phone!);
    await signIn(phone!);
    expect(await newBrowserEvents()).toHaveLength(1);
    expect((await newBrowserEvents())[0]!.data).toMatchObject({
      address: committed.address,
      user_agent: committed.userAgent,
    });

    // A client that keeps no cookie is a new browser every time.
    await signIn(null);
    expect(await newBrowserEvents()).toHaveLength(2);

    // A sign-in that rolls back neither emails nor remembers the browser.
    await expect(signIn(tablet!, rolledBack)).rejects.toThrow(/refused at commit/);
    expect(await newBrowserEvents()).toHaveLength(2);
    await signIn(tablet!);
    expect(await newBrowserEvents()).toHaveLength(3);
    expect(await prisma.knownBrowser.count({ where: { userId: actor.userId } })).toBe(3);
    // Only the cookie's hash is kept.
    const stored = await prisma.knownBrowser.findMany({ where: { userId: actor.userId } });
    expect(stored.every((row) => /^[0-9a-f]{64}$/.test(row.tokenHash) && row.tokenHash !== laptop)).toBe(true);
  });

  it('forgets a browser not seen since the retention instant, and keeps one seen at exactly that instant', async () => {
    const { actor } = await organizationWithAdmin();
    const cutoff = new Date('2026-01-01T00:00:00.000Z');
    for (const [token, seen] of [
      ['d'.repeat(43), new Date(cutoff.getTime() - 1)],
      ['e'.repeat(43), cutoff],
    ] as const) {
      await rememberBrowser(prisma, { userId: actor.userId, token });
      await prisma.knownBrowser.updateMany({
        where: { userId: actor.userId, lastSeenAt: { gt: cutoff } },
        data: { lastSeenAt: seen },
      });
    }
    expect(await pruneKnownBrowsers({ before: cutoff })).toBe(1);
    const kept = await prisma.knownBrowser.findMany({ where: { userId: actor.userId } });
    expect(kept.map((row) => row.lastSeenAt.toISOString())).toEqual([cutoff.toISOString()]);
  });
});
