import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { prisma } from '@/lib/db';
import { organizationDeletionKey, credentialChanges } from '@/lib/db/credential-changes';
import { hashPassword } from '@/lib/identity/password';
import { createTenantOrganization } from '@/lib/data/organizations';
import { createSupportUser, normalizeEmail } from '@/lib/data/users';
import { provisionTotp } from '@/lib/data/two-factor';
import { createSession } from '@/lib/data/sessions';
import { recordAccountEvent, type RequestContext } from '@/lib/data/audit';
import { Prisma } from '@/lib/generated/prisma/client';
import type { Failure } from '@/lib/result';
import { portalUrl } from '@/lib/env';
import { EVENT_TYPES, isEventType, type EventType } from '@/lib/events/catalogue';
import { triggerSampleEvent } from '@/lib/data/webhook-deliveries';

/**
 * Tenants are throwaway organizations for customers' end-to-end suites: each has its own OAuth client and
 * one admin, and is deleted with everything it owns once the suite is done.
 */

export type TenantFailure = Failure<'invalid_input' | 'not_found' | 'conflict'>;

export interface Tenant {
  organizationId: string;
  name: string;
  clientId: string;
  signInUrl: string;
  admin: {
    email: string;
    password: string;
    /** With `totp`: the admin's authenticator-app key (base32), its otpauth URI and recovery codes, returned only here. */
    totp?: { secret: string; uri: string; recoveryCodes: string[] };
  };
  /** With `testClock`: the tenant's own clock, frozen at creation (lib/data/tenant-clocks.ts); else null. */
  testClock: { now: string } | null;
  /** When the tenant deletes itself (`ttlMinutes` after creation). */
  deleteAt: string;
  /**
   * With `session`: a server-side session of the admin, as a password (and second factor) sign-in would start,
   * so a suite's browser is signed in without the pages, the password hash or the authenticator code.
   */
  adminSession?: { userId: string; token: string };
}

/** A tenant lives at most a day: a suite that crashed leaves nothing behind for longer. */
export const MAX_TENANT_TTL_MINUTES = 1440;

const createTenantSchema = z.object({
  name: z.string().trim().min(1, 'The name must not be empty.').max(100, 'The name must be at most 100 characters.'),
  domain: z.hostname('The domain must be a host name such as suite.example.test.').toLowerCase().optional(),
  email: z.email('The email must be an email address.').max(254).optional(),
  totp: z.boolean('totp must be true or false.').optional(),
  testClock: z.boolean('testClock must be true or false.').optional(),
  session: z.boolean('session must be true or false.').optional(),
  ttlMinutes: z
    .int(`ttlMinutes must be a whole number of minutes from 1 to ${MAX_TENANT_TTL_MINUTES}.`)
    .min(1, `ttlMinutes must be a whole number of minutes from 1 to ${MAX_TENANT_TTL_MINUTES}.`)
    .max(MAX_TENANT_TTL_MINUTES, `ttlMinutes must be a whole number of minutes from 1 to ${MAX_TENANT_TTL_MINUTES}.`)
    .default(MAX_TENANT_TTL_MINUTES),
});

const deleteTenantSchema = z.object({
  organizationId: z.uuid('The organization id must be a UUID.'),
});

/**
 * Creates an organization with its OAuth client and one ADMIN user whose password is random and returned
 * here only. Organization, client, user and membership are written in one statement, so a failure (an
 * email already taken) leaves nothing behind.
 */
export async function createTenant(input: {
  name: string;
  domain?: string;
  email?: string;
  /** Also enroll a confirmed authenticator app for the admin, so a suite can test two-factor sign-in. */
  totp?: boolean;
  /** Give the tenant its own test clock, frozen at creation. */
  testClock?: boolean;
  /** Minutes until the tenant deletes itself: 1 to 1440 (the default). */
  ttlMinutes?: number;
  /** Also start a session for the admin (recorded in the tenant's audit trail); its token is returned once. */
  session?: boolean;
  /** Who asked (the platform API's caller), for the session's audit row. */
  context?: RequestContext;
}): Promise<{ ok: true; tenant: Tenant } | TenantFailure> {
  const parsed = createTenantSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const { name, domain, ttlMinutes } = parsed.data;
  const email = normalizeEmail(
    parsed.data.email ?? `admin+${randomBytes(4).toString('hex')}@${slugOf(name)}.tenant.test`,
  );
  const password = randomBytes(24).toString('base64url');
  // Hashed before the write: argon2id is the slow part and must not hold a connection or a lock.
  const passwordHash = await hashPassword(password);

  try {
    const createdAt = Date.now();
    const organization = await createTenantOrganization({
      name,
      domain,
      admin: { email, name: `${name} admin`, passwordHash },
      testClockAt: parsed.data.testClock ? new Date(createdAt) : undefined,
      deleteAt: new Date(createdAt + ttlMinutes * 60_000),
    });
    // After the organization exists: the factor's audit event goes to its trail. Without --totp the admin
    // signs in with email and password alone, like the demo users.
    const adminId = organization.memberships[0]!.userId;
    const totp = parsed.data.totp ? await provisionTotp({ userId: adminId }) : undefined;
    const adminSession = parsed.data.session
      ? await issueAdminSession(adminId, organization.id, input.context)
      : undefined;
    return {
      ok: true,
      tenant: {
        organizationId: organization.id,
        name: organization.name,
        clientId: organization.oauthClient!.clientId,
        signInUrl: `${portalOrigin()}/sign-in`,
        admin: { email, password, ...(totp ? { totp } : {}) },
        testClock: organization.testClockAt ? { now: organization.testClockAt.toISOString() } : null,
        deleteAt: organization.deleteAt!.toISOString(),
        ...(adminSession ? { adminSession } : {}),
      },
    };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return { ok: false, code: 'conflict', message: `A user with the email ${email} already exists.` };
    }
    throw error;
  }
}

/** A session for a new tenant's admin, in its trail as issued by the platform API, not as a sign-in. */
async function issueAdminSession(userId: string, organizationId: string, context: RequestContext | undefined) {
  const session = await createSession({ userId, organizationId, context });
  await recordAccountEvent(prisma, {
    userId,
    action: 'platform_session_issued',
    details: { sessionId: session.sessionId },
    context,
  });
  return { userId, token: session.token };
}

/**
 * Deletes the organization and everything it owns: its client, secrets (with their usage and callers),
 * memberships, alerts, and the users who were its members. Its audit_events rows stay: the trail is
 * append-only and outlives what it describes. Like a change to a credential, it returns only once every live
 * instance has dropped the organization's credentials, so that none of them accepts the access tokens they
 * issued any more (a token whose credential is gone is refused: lib/oauth/secret-verifier.ts).
 */
export async function deleteTenant(input: {
  organizationId: string;
}): Promise<{ ok: true; organizationId: string; deletedUsers: number } | TenantFailure> {
  const parsed = deleteTenantSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const { organizationId } = parsed.data;

  return credentialChanges.change(
    organizationDeletionKey(organizationId),
    () => deleteTenantRows(organizationId),
    (result) => result.ok,
  );
}

async function deleteTenantRows(
  organizationId: string,
): Promise<{ ok: true; organizationId: string; deletedUsers: number } | TenantFailure> {
  return prisma.$transaction(async (tx) => {
    // Only organizations made for test suites: a platform token must never delete a real customer.
    if (!(await tx.organization.findFirst({ where: { id: organizationId, isTenant: true }, select: { id: true } }))) {
      return {
        ok: false as const,
        code: 'not_found' as const,
        message: `No test-suite tenant has the id ${organizationId}.`,
      };
    }
    // Lock what the deletion will touch, webhook deliveries → organization → client → secrets in id order,
    // before changing anything. The usage flush and the lifecycle reference a secret (KEY SHARE) and then
    // update it; recording a webhook attempt references its delivery and then updates the endpoint (and may
    // write an event, which references the organization). Were the users' deletion to set
    // secrets.created_by_id or webhook_endpoints.created_by_id first, each transaction would hold what the
    // other waits for, and PostgreSQL would end one of them as a deadlock. Taken first, these locks make the
    // deletion wait for such a transaction to commit, and it never waits holding a lock that one needs.
    await tx.$executeRaw`
      SELECT 1 FROM webhook_deliveries
      WHERE endpoint_id IN (SELECT id FROM webhook_endpoints WHERE organization_id = ${organizationId}::uuid)
      ORDER BY id FOR UPDATE`;
    await tx.$executeRaw`SELECT 1 FROM organizations WHERE id = ${organizationId}::uuid FOR UPDATE`;
    await tx.$executeRaw`SELECT 1 FROM oauth_clients WHERE organization_id = ${organizationId}::uuid ORDER BY id FOR UPDATE`;
    await tx.$executeRaw`
      SELECT 1 FROM secrets WHERE oauth_client_id IN (SELECT id FROM oauth_clients WHERE organization_id = ${organizationId}::uuid)
      ORDER BY id FOR UPDATE`;
    // Users first: their memberships go with them, and nothing else of the organization refers to them
    // except secrets.created_by_id, which is SET NULL and about to be deleted anyway. Only those who belong to
    // this tenant alone: a person who is also a member elsewhere keeps their account and loses this membership
    // with the organization (its trigger ends their sessions).
    const users = await tx.user.deleteMany({
      where: { memberships: { some: { organizationId }, every: { organizationId } } },
    });
    // The foreign keys cascade from here to oauth_clients, secrets, secret_usage, secret_callers,
    // memberships and security_alerts.
    const organizations = await tx.organization.deleteMany({ where: { id: organizationId } });
    if (organizations.count === 0) {
      return {
        ok: false as const,
        code: 'not_found' as const,
        message: `No organization has the id ${organizationId}.`,
      };
    }
    // Sent after the deletions' own notifications (one per credential, by trigger): its acknowledgement
    // means an instance has heard all of them.
    await tx.$executeRaw`SELECT pg_notify('secret_changed', ${organizationDeletionKey(organizationId)})`;
    return { ok: true as const, organizationId, deletedUsers: users.count };
  });
}

const addTenantMemberSchema = z.object({
  organizationId: z.uuid({ error: 'organizationId must be a UUID.' }),
  email: z.string().trim().min(3).max(254),
  role: z.enum(['ADMIN', 'VIEWER']),
});

/**
 * Adds an existing account to a tenant with a role, for suites that test a person in several organizations
 * (the organization switcher). Only a tenant, and only an account that belongs to tenants alone: a customer's
 * people and platform staff are never added, and someone already in the tenant is refused.
 */
export async function addTenantMember(input: {
  organizationId: string;
  email: string;
  role: 'ADMIN' | 'VIEWER';
}): Promise<{ ok: true; organizationId: string; userId: string; role: 'ADMIN' | 'VIEWER' } | TenantFailure> {
  const parsed = addTenantMemberSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const { organizationId, role } = parsed.data;
  const email = normalizeEmail(parsed.data.email);
  const tenant = await prisma.organization.findFirst({
    where: { id: organizationId, isTenant: true },
    select: { id: true },
  });
  if (!tenant) return { ok: false, code: 'not_found', message: `No test-suite tenant has the id ${organizationId}.` };
  const user = await prisma.user.findFirst({
    where: { email, platformRole: null, memberships: { some: {}, every: { organization: { isTenant: true } } } },
    select: { id: true },
  });
  if (!user)
    return { ok: false, code: 'not_found', message: `No member of a test-suite tenant has the email ${email}.` };
  try {
    await prisma.membership.create({ data: { userId: user.id, organizationId, role } });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      return { ok: false, code: 'conflict', message: `${email} is already a member of this tenant.` };
    throw error;
  }
  return { ok: true, organizationId, userId: user.id, role };
}

/**
 * An event trigger: a sample of a catalogue event sent to the tenant's webhook endpoints, marked as a test
 * (`triggerSampleEvent`). Only tenants: a platform token never sends anything in a customer's name.
 */
export async function triggerTenantEvent(input: {
  organizationId: string;
  type: unknown;
}): Promise<{ ok: true; eventId: string; type: EventType } | TenantFailure> {
  const parsed = deleteTenantSchema.safeParse({ organizationId: input.organizationId });
  if (!parsed.success) return invalidInput(parsed.error);
  if (!isEventType(input.type))
    return {
      ok: false,
      code: 'invalid_input',
      message: `type must be one of the catalogue's event types: ${EVENT_TYPES.join(', ')}.`,
      field: 'type',
    };
  const tenant = await prisma.organization.findFirst({
    where: { id: input.organizationId, isTenant: true },
    select: { id: true },
  });
  if (!tenant)
    return { ok: false, code: 'not_found', message: `No test-suite tenant has the id ${input.organizationId}.` };
  const { eventId } = await triggerSampleEvent({ organizationId: tenant.id, type: input.type });
  return { ok: true, eventId, type: input.type };
}

/** "Suite 42" → "suite-42"; a name without Latin letters or digits gets "tenant". */
function slugOf(name: string): string {
  const slug = name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'tenant';
}

function portalOrigin(): string {
  return portalUrl();
}

function invalidInput(error: z.ZodError): TenantFailure {
  const field = error.issues[0]?.path[0];
  return {
    ok: false,
    code: 'invalid_input',
    message: error.issues.map((issue) => issue.message).join(' '),
    ...(typeof field === 'string' ? { field } : {}),
  };
}

/** The tenants whose time is up (`delete_at`, real time), oldest first: the leader's job deletes them. */
export async function listTenantsDueForDeletion({
  now = new Date(),
  limit = 100,
}: {
  now?: Date;
  limit?: number;
} = {}) {
  const rows = await prisma.organization.findMany({
    where: { isTenant: true, deleteAt: { lte: now } },
    orderBy: { deleteAt: 'asc' },
    take: limit,
    select: { id: true },
  });
  return rows.map((row) => row.id);
}

const supportStaffSchema = z.object({
  email: z.email('The email must be an email address.').max(254),
  name: z
    .string()
    .trim()
    .min(1, 'The name must not be empty.')
    .max(100, 'The name must be at most 100 characters.')
    .default('Support (test suite)'),
});

/**
 * A platform support user with a random password, returned here only: for suites that test the support
 * console, which opens only once the user has a second factor (`totp` enrolls one and returns its key).
 */
export async function createSupportStaff(input: { email: string; name?: string; totp?: boolean }): Promise<
  | {
      ok: true;
      user: { email: string; password: string; totp?: { secret: string; uri: string; recoveryCodes: string[] } };
    }
  | TenantFailure
> {
  const parsed = supportStaffSchema.safeParse(input);
  if (!parsed.success) return invalidInput(parsed.error);
  const email = normalizeEmail(parsed.data.email);
  const password = randomBytes(24).toString('base64url');
  const passwordHash = await hashPassword(password);
  try {
    const user = await createSupportUser({ email, name: parsed.data.name, passwordHash });
    const totp = input.totp ? await provisionTotp({ userId: user.id }) : undefined;
    return { ok: true, user: { email, password, ...(totp ? { totp } : {}) } };
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      return { ok: false, code: 'conflict', message: `A user with the email ${email} already exists.` };
    }
    throw error;
  }
}
