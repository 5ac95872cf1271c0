// What the request log's pages read: an organization's requests and the facts that explain them, never another
// organization's; support's look-up and view, refused to customers and recorded in the customer's audit trail.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '@/lib/db';
import type { Actor } from '@/lib/identity/actor';
import { getActorByUserId } from '@/lib/data/users';
import { deactivateCredential } from '@/lib/data/credential-commands';
import { listAuditEvents } from '@/lib/data/audit';
import {
  findRequest,
  readRequestLog,
  requestFacts,
  writeRequestLogBatch,
  type LoggedRequest,
} from '@/lib/data/request-log';
import { findRequestForSupport, listUnknownClientAddresses, viewOrganizationRequestLog } from '@/lib/data/support';
import { explainRequest } from '@/lib/request-log/explain';
import { parseRequestLogQuery } from '@/lib/request-log/query';
import { newRequestId } from '@/lib/request-log/request-id';
import { organizationWithAdmin } from '../helpers/fixtures';

type Org = Awaited<ReturnType<typeof organizationWithAdmin>>;
let acme: Org;
let globex: Org;
let support: Actor;
let acmeSecret: string;
let globexSecret: string;
const acmeRequest = newRequestId();
const globexRequest = newRequestId();

function refusal(org: Org, credentialId: string, id: string, at = Date.now()): LoggedRequest {
  return {
    id,
    clientId: org.clientId,
    credentialId,
    endpoint: 'token',
    reason: 'credential_disabled',
    status: 401,
    scopes: [],
    address: '203.0.113.9',
    userAgent: 'acme-sdk/3.1',
    at,
  };
}

beforeAll(async () => {
  acme = await organizationWithAdmin('Acme Requests');
  globex = await organizationWithAdmin('Globex Requests');
  acmeSecret = (await acme.secret('ACTIVE')).id;
  globexSecret = (await globex.secret('ACTIVE')).id;
  const deactivated = await deactivateCredential({ actor: acme.actor, credentialId: acmeSecret });
  expect(deactivated.ok).toBe(true);
  await writeRequestLogBatch({
    entries: [refusal(acme, acmeSecret, acmeRequest), refusal(globex, globexSecret, globexRequest)],
    tallies: [],
    unknownClients: [{ address: '192.0.2.66', minute: Date.now() - (Date.now() % 60_000), count: 7 }],
  });
  const user = await prisma.user.create({
    data: {
      email: `support-${randomUUID()}@platform.test`,
      name: 'Sam Support',
      passwordHash: 'x',
      platformRole: 'SUPPORT',
    },
  });
  support = (await getActorByUserId({ userId: user.id }))!;
});

describe('the request log of an organization', () => {
  it('explains a refusal with who deactivated the credential, from the organization’s own audit trail', async () => {
    const found = await findRequest({ organizationId: acme.org.id, requestId: acmeRequest });
    expect(found?.credentialName).toMatch(/^Secret/);
    const facts = await requestFacts({ organizationId: acme.org.id, credentialIds: [acmeSecret] });
    const sentence = explainRequest(found!, facts.get(acmeSecret) ?? null, new Date());
    expect(sentence).toMatch(/^This secret was deactivated on [A-Z][a-z]{2} \d{1,2} by Acme Requests admin\. /);
  });

  it('allows an organization its own requests and facts, and blocks another organization’s', async () => {
    expect(await findRequest({ organizationId: acme.org.id, requestId: globexRequest })).toBeNull();
    const facts = await requestFacts({ organizationId: acme.org.id, credentialIds: [globexSecret, acmeSecret] });
    expect([...facts.keys()]).toEqual([acmeSecret]);

    const list = await readRequestLog({ organizationId: acme.org.id, query: parseRequestLogQuery({}) });
    expect(list.view === 'list' && list.rows.map((row) => row.id)).toEqual([acmeRequest]);
    const byId = await readRequestLog({
      organizationId: acme.org.id,
      query: parseRequestLogQuery({ id: globexRequest }),
    });
    expect(byId).toMatchObject({ view: 'found', found: null });
    const filtered = await readRequestLog({
      organizationId: acme.org.id,
      query: parseRequestLogQuery({ credential: globexSecret }),
    });
    expect(filtered.view === 'list' && filtered.rows).toEqual([]);
  });

  it('pages with the before cursor, newest first', async () => {
    const older = newRequestId();
    await writeRequestLogBatch({
      entries: [refusal(acme, acmeSecret, older, Date.now() - 60_000)],
      tallies: [],
      unknownClients: [],
    });
    const first = await readRequestLog({ organizationId: acme.org.id, query: parseRequestLogQuery({}), take: 1 });
    expect(first.view === 'list' && [first.rows.map((row) => row.id), first.hasOlder]).toEqual([[acmeRequest], true]);
    const { encodeRequestCursor } = await import('@/lib/request-log/query');
    const before = encodeRequestCursor(first.view === 'list' ? first.rows[0]! : { at: new Date(), id: acmeRequest });
    const second = await readRequestLog({
      organizationId: acme.org.id,
      query: parseRequestLogQuery({ before }),
      take: 1,
    });
    expect(second.view === 'list' && second.rows.map((row) => row.id)).toEqual([older]);
  });
});

describe('support and the request log', () => {
  it('blocks customers from support’s look-up, view and unknown-client addresses', async () => {
    const refused = { ok: false, code: 'forbidden' };
    expect(await findRequestForSupport({ actor: globex.actor, requestId: acmeRequest })).toMatchObject(refused);
    expect(
      await viewOrganizationRequestLog({ actor: globex.actor, organizationId: acme.org.id, requestId: acmeRequest }),
    ).toMatchObject(refused);
    expect(await listUnknownClientAddresses({ actor: acme.actor, since: new Date(0) })).toMatchObject(refused);
    const { events } = await listAuditEvents({
      organizationId: acme.org.id,
      filters: { action: 'support_viewed_requests' },
    });
    expect(events).toEqual([]);
  });

  it('allows support to find a request in any organization, and records opening it in the customer’s audit trail', async () => {
    expect(await findRequestForSupport({ actor: support, requestId: acmeRequest })).toMatchObject({
      ok: true,
      request: { organizationId: acme.org.id, credentialId: acmeSecret },
    });
    expect(await findRequestForSupport({ actor: support, requestId: newRequestId() })).toMatchObject({ ok: false });
    const view = await viewOrganizationRequestLog({
      actor: support,
      organizationId: acme.org.id,
      requestId: acmeRequest,
    });
    expect(view).toMatchObject({ ok: true, organization: { id: acme.org.id } });
    const { events } = await listAuditEvents({
      organizationId: acme.org.id,
      filters: { action: 'support_viewed_requests' },
    });
    expect(events).toMatchObject([
      { actorName: 'Sam Support', actorRole: 'SUPPORT', details: { requestId: acmeRequest } },
    ]);
    const globexEvents = await listAuditEvents({
      organizationId: globex.org.id,
      filters: { action: 'support_viewed_requests' },
    });
    expect(globexEvents.events).toEqual([]);
    expect(await listUnknownClientAddresses({ actor: support, since: new Date(Date.now() - 3_600_000) })).toMatchObject(
      {
        ok: true,
        addresses: [{ address: '192.0.2.66', count: 7 }],
      },
    );
  });
});
