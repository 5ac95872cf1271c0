import { prisma } from '@/lib/db';
import { credentialKey, credentialChanges } from '@/lib/db/credential-changes';
import type { Prisma } from '@/lib/generated/prisma/client';
import {
  CHANGED_MEANWHILE,
  preconditionsOf,
  refusal,
  type Precondition,
  type CredentialAction,
} from '@/lib/credentials/lifecycle';
import { credentialNow } from '@/lib/credentials/test-clock';
import { conflict, notFound, type CommandResult } from '@/lib/result';
import { recordCredentialEvent, type CredentialEvent } from '@/lib/data/audit';
import type { MemberActor } from '@/lib/identity/actor';

type Tx = Prisma.TransactionClient;
type Failure = Extract<CommandResult, { ok: false }>;

const CURRENT_SELECT = {
  kind: true,
  secretHash: true,
  status: true,
  isDecoy: true,
  replacedById: true,
  expiresAt: true,
  name: true,
  allowedCidrs: true,
  oauthClientId: true,
  preview: true,
  scopes: true,
  // A tenant's test clock: the instant its credentials' rules are judged at.
  oauthClient: { select: { organization: { select: { testClockAt: true } } } },
} satisfies Prisma.CredentialSelect;

/** The secret as it was read before the change (for refusals and for the event's "from" details). */
export type CurrentCredential = Prisma.CredentialGetPayload<{ select: typeof CURRENT_SELECT }>;

/** The lifecycle's preconditions as a Prisma filter; a deleted secret never matches. */
export function preconditionFilter(conditions: readonly Precondition[], now: Date): Prisma.CredentialWhereInput {
  const filters: Prisma.CredentialWhereInput[] = [{ status: { not: 'DELETED' } }];
  for (const condition of conditions) {
    if (condition === 'active') filters.push({ status: 'ACTIVE' });
    else if (condition === 'disabled') filters.push({ status: 'DISABLED' });
    else if (condition === 'notReplaced') filters.push({ replacedById: null });
    else if (condition === 'notDecoy') filters.push({ isDecoy: false });
    else if (condition === 'sharedSecret') filters.push({ kind: 'SECRET' });
    else filters.push({ OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] });
  }
  return { AND: filters };
}

/**
 * The columns the token endpoints' caches hold: a change to one of them fires NOTIFY secret_changed (trigger
 * in the migrations) and is waited for; any other change (a name, a recorded expiry) has nothing to wait for.
 */
const CACHED_COLUMNS = new Set([
  'status',
  'secretHash',
  'oauthClientId',
  'expiresAt',
  'deactivateAt',
  'allowedCidrs',
  'tokensRevokedBefore',
  'isDecoy',
  'scopes',
  'publicJwk',
  'jwksUrl',
  'workloadIssuer',
  'workloadAudience',
  'workloadSubject',
]);

class Refused extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}
class NotMatched extends Error {}

/** The secrets an organization member may see and change: those of the member's organization. */
export const scopeOf = (actor: MemberActor): Prisma.CredentialWhereInput => ({
  oauthClient: { organizationId: actor.membership.organizationId },
});

const isFailure = (value: unknown): value is Failure =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;

export interface CredentialChange<P> {
  credentialId: string;
  /** Limits the change to secrets the caller may see, e.g. `{ oauthClient: { organizationId } }`. */
  scope?: Prisma.CredentialWhereInput;
  /** The lifecycle action: its preconditions go into the UPDATE's WHERE, and its refusals explain a miss. */
  action?: CredentialAction;
  /** Further conditions (a scheduled deactivation that is due, an expiry not yet recorded). */
  where?: Prisma.CredentialWhereInput;
  /**
   * The instant the lifecycle's time-based preconditions are judged at. By default the credential's now: its
   * tenant's test clock, or real time (lib/credentials/test-clock.ts). Jobs and tests pass the instant.
   */
  now?: Date;
  /** A further refusal judged at that instant (an expiry that is not in the future). */
  refuse?: (current: CurrentCredential, now: Date) => string | null;
  /** Work in the same transaction before the UPDATE (a roll inserts its replacement); may refuse. */
  prepare?: (tx: Tx, current: CurrentCredential) => Promise<P | Failure>;
  data:
    | Prisma.CredentialUncheckedUpdateManyInput
    | ((prepared: P, current: CurrentCredential, now: Date) => Prisma.CredentialUncheckedUpdateManyInput);
  /** The one audit row of the change. */
  event:
    | Omit<CredentialEvent, 'credentialId'>
    | ((prepared: P, current: CurrentCredential, now: Date) => Omit<CredentialEvent, 'credentialId'>);
  /** Work in the same transaction after the UPDATE and its audit row (a leak report raises an alert). */
  after?: (tx: Tx) => Promise<void>;
}

/**
 * The one way a secret's state changes (portal, support, leak reports, scheduled jobs). The action's
 * preconditions are part of the conditional UPDATE's WHERE, so a change that raced with another cannot
 * land on a secret that no longer allows it; the UPDATE, any preparatory work and exactly one audit row
 * commit together or not at all; and the call returns only once every token endpoint instance has dropped
 * the secret from its cache (lib/db/credential-changes).
 */
export async function applyCredentialChange<P = undefined>(
  change: CredentialChange<P>,
): Promise<CommandResult<{ prepared: P; now: Date }>> {
  const owned: Prisma.CredentialWhereInput = { id: change.credentialId, ...change.scope };
  const current = await prisma.credential.findFirst({ where: owned, select: CURRENT_SELECT });
  if (!current || current.status === 'DELETED') return notFound();
  const now = change.now ?? new Date(credentialNow(current.oauthClient.organization.testClockAt));
  const refused =
    (change.action ? refusal(change.action, current, now) : null) ?? change.refuse?.(current, now) ?? null;
  if (refused) return conflict(refused);

  const conditions = preconditionFilter(change.action ? preconditionsOf(change.action) : [], now);
  type Outcome = { applied: true; prepared: P; cached: boolean } | { applied: false; failure?: Failure };
  const outcome = await credentialChanges.change<Outcome>(
    credentialKey({ hash: current.secretHash, id: change.credentialId, oauthClientId: current.oauthClientId }),
    () =>
      prisma
        .$transaction(async (tx) => {
          const prepared = (change.prepare ? await change.prepare(tx, current) : undefined) as P | Failure;
          if (isFailure(prepared)) throw new Refused(prepared);
          const data = typeof change.data === 'function' ? change.data(prepared, current, now) : change.data;
          const { count } = await tx.credential.updateMany({
            where: { AND: [owned, conditions, change.where ?? {}] },
            data,
          });
          if (count !== 1) throw new NotMatched();
          const event = typeof change.event === 'function' ? change.event(prepared, current, now) : change.event;
          await recordCredentialEvent(tx, { ...event, credentialId: change.credentialId });
          await change.after?.(tx);
          return {
            applied: true as const,
            prepared,
            cached: Object.keys(data).some((column) => CACHED_COLUMNS.has(column)),
          };
        })
        .catch((error: unknown): Outcome => {
          if (error instanceof Refused) return { applied: false, failure: error.failure };
          if (error instanceof NotMatched) return { applied: false };
          throw error;
        }),
    (result) => result.applied && result.cached,
  );
  if (outcome.applied) return { ok: true, prepared: outcome.prepared, now };
  if (outcome.failure) return outcome.failure;

  // The secret changed between the read and the write: say what it allows now.
  const latest = await prisma.credential.findFirst({ where: owned, select: CURRENT_SELECT });
  if (!latest || latest.status === 'DELETED') return notFound();
  return conflict((change.action && refusal(change.action, latest, now)) || CHANGED_MEANWHILE);
}

/** When a credential last obtained an access token, and from where (epoch milliseconds). */
export interface LastUse {
  credentialId: string;
  at: number;
  address: string;
  userAgent: string;
}

/**
 * Stamps the credentials' last use, never moving it back: a column only the token endpoint's usage batch
 * writes, outside the lifecycle (no precondition, no audit row, nothing cached), so it is a statement for
 * that batch's transaction rather than a change.
 */
export function stampLastUses(lastUses: readonly LastUse[]) {
  return prisma.$executeRaw`
    UPDATE secrets SET last_used_at = v.at, last_used_address = v.address, last_used_user_agent = v.ua
    FROM unnest(${lastUses.map((u) => u.credentialId)}::uuid[], ${lastUses.map((u) => new Date(u.at))}::timestamptz[],
                ${lastUses.map((u) => u.address)}::text[], ${lastUses.map((u) => u.userAgent)}::text[]) AS v(id, at, address, ua)
    WHERE secrets.id = v.id AND (secrets.last_used_at IS NULL OR secrets.last_used_at < v.at)`;
}

/**
 * Adds a credential row (the commands that create one have claimed its slot under the client lock and write
 * its `created` audit row in the same transaction). With applyCredentialChange and stampLastUses, the only
 * writes to the credentials table.
 */
export function insertCredentialRow<S extends Prisma.CredentialSelect>(
  tx: Tx,
  data: Prisma.CredentialUncheckedCreateInput,
  select: S,
) {
  return tx.credential.create({ data, select });
}
