import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import type { Actor } from '@/lib/identity/actor';
import { getActorByUserId } from '@/lib/data/users';
import { createMember } from '@/lib/data/organizations';
import {
  activateCredential,
  changeCredentialStatus,
  deactivateCredential,
  deleteCredential,
  renameCredential,
  setAllowedCidrs,
  setCredentialExpiry,
} from '@/lib/data/credential-commands';
import { createSecret, makeDecoy, rollSecret } from '@/lib/data/secret-commands';
import { recordExpiries } from '@/lib/data/credential-deadlines';
import { encodeCursor, listAuditEvents } from '@/lib/data/audit';
import { auditCsvStream } from '@/lib/data/audit-csv';
import { acknowledgeAlert, listOpenAlerts, raiseSecurityAlert } from '@/lib/data/alerts';
import { emergencyDeactivate, searchOrganizations, viewOrganizationCredentials } from '@/lib/data/support';
import { usageRecorder } from '@/lib/oauth/usage-recorder';
import { generateSecret } from '@/lib/credentials/format';
import { organizationWithAdmin, requestToken } from '../helpers/fixtures';

type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;
let acme: Org;
let globex: Org;
let support: Actor;
let viewer: Actor;

beforeAll(async () => {
  acme = await organizationWithAdmin('Acme Industries');
  globex = await organizationWithAdmin('Globex');
  const user = await prisma.user.create({
    data: { email: 'support@platform.test', name: 'Sam Support', passwordHash: 'x', platformRole: 'SUPPORT' },
  });
  support = (await getActorByUserId({ userId: user.id }))!;
  const v = await createMember({
    organizationId: acme.org.id,
    email: 'viewer@acme.test',
    name: 'Vic',
    password: 'password-123',
    role: 'VIEWER',
  });
  viewer = (await getActorByUserId({ userId: v.id }))!;
});

const countEvents = (organizationId: string) => prisma.auditEvent.count({ where: { organizationId } });

const token = (org: Org, secret: string, address = '192.0.2.10', userAgent = 'attacker/1') =>
  requestToken(org, secret, { address, userAgent });

describe('audit trail', () => {
  it('records exactly one event for every change to a secret', async () => {
    const org = await organizationWithAdmin();
    const actor = org.actor;
    let before = await countEvents(org.org.id);
    const expectOne = async (action: string, run: () => Promise<{ ok: boolean }>) => {
      expect((await run()).ok).toBe(true);
      const after = await countEvents(org.org.id);
      expect(after - before, action).toBe(1);
      before = after;
      const [latest] = (await listAuditEvents({ organizationId: org.org.id, limit: 1 })).events;
      expect(latest).toMatchObject({ action, actorId: actor.userId, actorRole: 'ADMIN', organizationId: org.org.id });
    };
    const created = await createSecret({ actor });
    if (!created.ok) throw new Error(created.message);
    expect(await countEvents(org.org.id)).toBe(1);
    before = 1;
    const id = created.secret.id;
    await expectOne('renamed', () => renameCredential({ actor, credentialId: id, name: 'Payments' }));
    await expectOne('activated', () => activateCredential({ actor, credentialId: id }));
    await expectOne('expiry_set', () =>
      setCredentialExpiry({ actor, credentialId: id, expiresAt: new Date(Date.now() + 86_400_000) }),
    );
    await expectOne('allowlist_set', () => setAllowedCidrs({ actor, credentialId: id, cidrs: ['10.0.0.0/8'] }));
    await expectOne('rolled', () => rollSecret({ actor, credentialId: id, graceSeconds: 0 }));
    await expectOne('deleted', () => deleteCredential({ actor, credentialId: id }));
    const other = await createSecret({ actor });
    if (!other.ok) throw new Error(other.message);
    before = await countEvents(org.org.id);
    await expectOne('decoy_set', () => makeDecoy({ actor, credentialId: other.secret.id }));

    const [first] = (
      await listAuditEvents({
        organizationId: org.org.id,
        filters: { action: 'created', credentialId: created.secret.id },
      })
    ).events;
    expect(first).toMatchObject({ credentialId: created.secret.id, credentialPreview: created.secret.preview });
    // A refused change records nothing.
    await deactivateCredential({ actor, credentialId: id });
    expect(await countEvents(org.org.id)).toBe(before);
  });

  it('names each credential as it was called when the event was written, after a rename and a deletion too', async () => {
    const org = await organizationWithAdmin();
    const created = await createSecret({ actor: org.actor });
    if (!created.ok) throw new Error(created.message);
    const { id, name: firstName, preview } = created.secret;
    expect((await renameCredential({ actor: org.actor, credentialId: id, name: 'Payments' })).ok).toBe(true);
    expect((await deleteCredential({ actor: org.actor, credentialId: id })).ok).toBe(true);
    // A row from before names were recorded, about this credential and about one that is gone altogether.
    const legacy = { organizationId: org.org.id, actorName: 'Ada', actorRole: 'ADMIN' };
    await prisma.auditEvent.create({
      data: { ...legacy, action: 'activated', credentialId: id, credentialPreview: preview },
    });
    await prisma.auditEvent.create({
      data: { ...legacy, action: 'deactivated', credentialId: randomUUID(), credentialPreview: 'uqs_…gone' },
    });

    const { events } = await listAuditEvents({ organizationId: org.org.id });
    expect(Object.fromEntries(events.map((e) => [e.action, [e.credentialName, e.credentialPreview]]))).toEqual({
      created: [firstName, preview],
      renamed: ['Payments', preview],
      deleted: ['Payments', preview],
      activated: ['Payments', preview],
      deactivated: [null, 'uqs_…gone'],
    });

    const csv = await new Response(
      auditCsvStream({ organizationId: org.org.id, filters: { action: 'created' } }),
    ).text();
    const [header, line] = csv.split('\r\n');
    const column = header!.split(',').indexOf('secret_name');
    expect(column).toBeGreaterThan(-1);
    expect(line!.split(',')[column]).toBe(firstName);
  });

  it('records the passing of an expiry once, as the system, at the expiry instant', async () => {
    const secret = await acme.secret('ACTIVE');
    const expiresAt = new Date(Date.now() + 200);
    await setCredentialExpiry({ actor: acme.actor, credentialId: secret.id, expiresAt });
    expect(await recordExpiries(new Date(expiresAt.getTime() - 1))).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await recordExpiries()).toBeGreaterThanOrEqual(1);
    expect(await recordExpiries()).toBe(0);
    const events = (
      await listAuditEvents({ organizationId: acme.org.id, filters: { credentialId: secret.id, action: 'expired' } })
    ).events;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actorRole: 'SYSTEM', actorName: 'System' });
    expect(events[0]!.createdAt.getTime()).toBe(expiresAt.getTime());
  });

  it('cannot be changed or removed, even with direct SQL from the application or the schema owner', async () => {
    const before = await countEvents(acme.org.id);
    await acme.secret('DISABLED');
    expect(await countEvents(acme.org.id)).toBe(before + 1);
    const owner = new pg.Client({ connectionString: process.env.MIGRATION_DATABASE_URL });
    await owner.connect();
    for (const sql of [
      `UPDATE audit_events SET action = 'nothing' WHERE organization_id = '${acme.org.id}'`,
      `DELETE FROM audit_events WHERE organization_id = '${acme.org.id}'`,
      'TRUNCATE audit_events',
    ]) {
      // The application role lacks the privilege; the owner has it, and the trigger still refuses.
      await expect(prisma.$executeRawUnsafe(sql)).rejects.toThrow(/permission denied/);
      await expect(owner.query(sql)).rejects.toThrow(/append-only/);
    }
    await owner.end();
    await expect(prisma.auditEvent.deleteMany({ where: { organizationId: acme.org.id } })).rejects.toThrow();
    expect(await countEvents(acme.org.id)).toBe(before + 1);
  });

  it('pages newest first by cursor, and filters by secret, action and actor', async () => {
    const org = await organizationWithAdmin();
    const secret = await org.secret('DISABLED');
    for (let i = 0; i < 60; i++)
      await renameCredential({ actor: org.actor, credentialId: secret.id, name: `Name ${i}` });
    const seen: string[] = [];
    let cursor = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof listAuditEvents>> = await listAuditEvents({
        organizationId: org.org.id,
        cursor,
        limit: 25,
      });
      seen.push(...page.events.map((e) => e.id));
      const times = page.events.map((e) => e.createdAt.getTime());
      expect([...times].sort((a, b) => b - a)).toEqual(times);
      if (!page.nextCursor) break;
      const last = page.events.at(-1)!;
      expect(page.nextCursor).toBe(encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }));
      cursor = { createdAt: last.createdAt.toISOString(), id: last.id };
    }
    expect(seen).toHaveLength(61);
    expect(new Set(seen).size).toBe(61);
    expect((await listAuditEvents({ organizationId: org.org.id, filters: { action: 'created' } })).events).toHaveLength(
      1,
    );
    expect(
      (await listAuditEvents({ organizationId: org.org.id, filters: { actorId: support.userId } })).events,
    ).toHaveLength(0);
    expect(
      (await listAuditEvents({ organizationId: org.org.id, filters: { credentialId: secret.id }, limit: 100 })).events,
    ).toHaveLength(61);
    expect(
      (await listAuditEvents({ organizationId: acme.org.id, filters: { credentialId: secret.id } })).events,
    ).toHaveLength(0);
  });
});

describe('support staff', () => {
  it('allows searching organizations by name, domain and Client ID', async () => {
    const byName = await searchOrganizations({ actor: support, query: 'acme ind' });
    expect(byName.ok && byName.organizations.map((o) => o.id)).toEqual([acme.org.id]);
    const byClient = await searchOrganizations({ actor: support, query: globex.clientId.slice(0, 8) });
    expect(byClient.ok && byClient.organizations.map((o) => o.id)).toContain(globex.org.id);
  });

  it('blocks customers from the support console', async () => {
    for (const actor of [acme.actor, viewer, globex.actor]) {
      expect((await searchOrganizations({ actor, query: '' })).ok).toBe(false);
      expect((await viewOrganizationCredentials({ actor, organizationId: acme.org.id })).ok).toBe(false);
    }
  });

  it('records every view in the customer’s audit trail', async () => {
    const before = await countEvents(acme.org.id);
    const view = await viewOrganizationCredentials({
      actor: support,
      organizationId: acme.org.id,
      context: { address: '203.0.113.5', userAgent: 'browser' },
    });
    expect(view.ok).toBe(true);
    expect(await countEvents(acme.org.id)).toBe(before + 1);
    const [latest] = (await listAuditEvents({ organizationId: acme.org.id, limit: 1 })).events;
    expect(latest).toMatchObject({
      action: 'support_viewed',
      actorRole: 'SUPPORT',
      actorName: 'Sam Support',
      address: '203.0.113.5',
    });
  });

  it('deactivates in an emergency only with a written reason, which the customer sees', async () => {
    const secret = await acme.secret('ACTIVE');
    expect(
      await emergencyDeactivate({
        actor: support,
        organizationId: acme.org.id,
        credentialId: secret.id,
        reason: 'short',
      }),
    ).toMatchObject({ ok: false });
    expect((await prisma.credential.findUniqueOrThrow({ where: { id: secret.id } })).status).toBe('ACTIVE');
    const reason = 'Customer called: the secret is in a public gist';
    expect(
      await emergencyDeactivate({ actor: support, organizationId: acme.org.id, credentialId: secret.id, reason }),
    ).toEqual({ ok: true });
    expect((await prisma.credential.findUniqueOrThrow({ where: { id: secret.id } })).status).toBe('DISABLED');
    expect((await token(acme, secret.value)).status).toBe(401);
    const [latest] = (await listAuditEvents({ organizationId: acme.org.id, limit: 1 })).events;
    expect(latest).toMatchObject({ action: 'deactivated', actorRole: 'SUPPORT', reason, credentialId: secret.id });
  });

  it('blocks every other change by support, and emergency deactivation by customers or in another organization', async () => {
    const active = await acme.secret('ACTIVE');
    const disabled = await acme.secret('DISABLED');
    expect((await createSecret({ actor: support })).ok).toBe(false);
    expect((await activateCredential({ actor: support, credentialId: disabled.id })).ok).toBe(false);
    expect((await rollSecret({ actor: support, credentialId: active.id, graceSeconds: 0 })).ok).toBe(false);
    expect((await deleteCredential({ actor: support, credentialId: disabled.id })).ok).toBe(false);
    expect((await renameCredential({ actor: support, credentialId: active.id, name: 'x' })).ok).toBe(false);
    expect(
      (await changeCredentialStatus({ actor: support, credentialId: active.id, transition: 'deactivate' })).ok,
    ).toBe(false);
    const reason = 'A sufficiently long reason';
    for (const actor of [acme.actor, viewer, globex.actor]) {
      expect(
        (await emergencyDeactivate({ actor, organizationId: acme.org.id, credentialId: active.id, reason })).ok,
      ).toBe(false);
    }
    // The right organization id is required too: a secret is not found through another organization.
    expect(
      (await emergencyDeactivate({ actor: support, organizationId: globex.org.id, credentialId: active.id, reason }))
        .ok,
    ).toBe(false);
    expect((await prisma.credential.findUniqueOrThrow({ where: { id: active.id } })).status).toBe('ACTIVE');
  });
});

describe('decoy secrets', () => {
  it('refuse exactly like a wrong secret while raising a high-priority alarm', async () => {
    const decoy = await acme.secret('DISABLED');
    expect((await makeDecoy({ actor: acme.actor, credentialId: decoy.id })).ok).toBe(true);
    expect(await activateCredential({ actor: acme.actor, credentialId: decoy.id })).toMatchObject({
      ok: false,
      message: expect.stringContaining('decoy'),
    });

    const tripped = await token(acme, decoy.value, '198.51.100.23', 'curl/8.5');
    const wrong = await token(acme, generateSecret(), '198.51.100.24');
    expect(tripped.status).toBe(401);
    expect(tripped.body).toBe(wrong.body);
    expect(tripped.headers).toEqual(wrong.headers);

    await usageRecorder.flush();
    const [event] = (await listAuditEvents({ organizationId: acme.org.id, filters: { action: 'decoy_used' } })).events;
    expect(event).toMatchObject({
      priority: 'high',
      address: '198.51.100.23',
      userAgent: 'curl/8.5',
      credentialId: decoy.id,
      actorRole: 'SYSTEM',
    });
    const alerts = await listOpenAlerts({ organizationId: acme.org.id });
    const alert = alerts.find((a) => a.credentialId === decoy.id && a.kind === 'decoy_used');
    expect(alert).toMatchObject({ lastAddress: '198.51.100.23', count: 1 });

    // Another organization cannot acknowledge it; an admin of the organization can, and it is audited.
    expect((await acknowledgeAlert({ actor: globex.actor, alertId: alert!.id })).ok).toBe(false);
    expect((await acknowledgeAlert({ actor: viewer, alertId: alert!.id })).ok).toBe(false);
    expect((await acknowledgeAlert({ actor: acme.actor, alertId: alert!.id })).ok).toBe(true);
    expect((await listOpenAlerts({ organizationId: acme.org.id })).find((a) => a.id === alert!.id)).toBeUndefined();
  });

  it('keep one open alert and one acknowledgement under concurrency', async () => {
    const decoy = await acme.secret('DISABLED');
    await makeDecoy({ actor: acme.actor, credentialId: decoy.id });
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        prisma.$transaction((tx) =>
          raiseSecurityAlert(tx, { kind: 'decoy_used', credentialId: decoy.id, address: `192.0.2.${i}` }),
        ),
      ),
    );
    const open = (await listOpenAlerts({ organizationId: acme.org.id })).filter((a) => a.credentialId === decoy.id);
    expect(open).toHaveLength(1);
    expect(open[0]!.count).toBe(8);
    const results = await Promise.all(
      [1, 2, 3].map(() => acknowledgeAlert({ actor: acme.actor, alertId: open[0]!.id })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(
      (
        await listAuditEvents({
          organizationId: acme.org.id,
          filters: { credentialId: decoy.id, action: 'alert_acknowledged' },
        })
      ).events,
    ).toHaveLength(1);
  });

  it('trip the alarm whichever client id comes with them', async () => {
    const decoy = await globex.secret('DISABLED');
    await makeDecoy({ actor: globex.actor, credentialId: decoy.id });
    expect((await token(acme, decoy.value, '198.51.100.99')).status).toBe(401);
    await usageRecorder.flush();
    expect((await listOpenAlerts({ organizationId: globex.org.id })).some((a) => a.credentialId === decoy.id)).toBe(
      true,
    );
  });

  it('can only be made from a disabled secret of one’s own organization', async () => {
    const active = await acme.secret('ACTIVE');
    expect(await makeDecoy({ actor: acme.actor, credentialId: active.id })).toMatchObject({
      ok: false,
      code: 'conflict',
    });
    expect(await makeDecoy({ actor: globex.actor, credentialId: active.id })).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect(await makeDecoy({ actor: viewer, credentialId: active.id })).toMatchObject({ ok: false, code: 'forbidden' });
  });
});
