import { credentialNow } from '@/lib/credentials/test-clock';
import { KIND_WORDS, type CredentialKind } from '@/lib/credentials/credential-kinds';
import { REASON_CATALOGUE, type RefusalReason } from '@/lib/request-log/reasons';

/**
 * One sentence per logged refusal: what happened and what to do, with the facts the portal holds about the
 * credential (who deactivated it and when, its scopes, its allowed addresses, its replacement). Without
 * facts it says the catalogue's words. Pure: the facts are read by lib/data/request-log.ts (`requestFacts`).
 * Names of scopes are written between backticks, which the page shows as code.
 */

/** An audit trail entry of the credential that can explain a refusal. */
export interface CredentialHistoryEntry {
  action: string;
  at: Date;
  actorName: string;
  /** ADMIN, VIEWER, SUPPORT, SYSTEM or PUBLIC, as the audit trail records it. */
  actorRole: string;
  reason: string | null;
  details: Record<string, unknown>;
}

/** What the portal knows of the credential a request presented, as it is now, and its history. */
export interface CredentialFacts {
  id: string;
  name: string;
  kind: CredentialKind;
  status: 'ACTIVE' | 'DISABLED' | 'DELETED';
  scopes: readonly string[];
  allowedCidrs: readonly string[];
  createdAt: Date;
  expiresAt: Date | null;
  /** Its tenant's test clock, against which its expiry is judged (absent or null: real time). */
  testClockAt?: Date | null;
  isDecoy: boolean;
  /** The credential that replaced it when it was rolled. */
  replacedBy: { name: string } | null;
  /** Deactivations, deletions, rolls, leak reports and activations, in any order. */
  history: readonly CredentialHistoryEntry[];
}

export interface ExplainedRequest {
  reason: RefusalReason | null;
  /** The scopes refused (scope_not_allowed). */
  scopes: readonly string[];
  /** The caller's address, or null when the reader may not see it. */
  address: string | null;
  at: Date;
}

/** How many allowed ranges a sentence lists before "and N more". */
const RANGES_LISTED = 3;

const DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
const DAY_WITH_YEAR = new Intl.DateTimeFormat('en-US', {
  month: 'short',
  day: 'numeric',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "Dec 3", or "Dec 3, 2025" when it is not this year (UTC). */
export function dayText(date: Date, now: Date): string {
  return date.getUTCFullYear() === now.getUTCFullYear() ? DAY.format(date) : DAY_WITH_YEAR.format(date);
}

/** The catalogue's words for a refusal: what happened, then what to do. */
export function catalogueSentence(reason: RefusalReason): string {
  const entry = REASON_CATALOGUE[reason];
  return `${entry.happened} ${entry.todo}`;
}

/** What a refused request's sentence says; null for a success. */
export function explainRequest(
  request: ExplainedRequest,
  credential: CredentialFacts | null,
  now: Date,
): string | null {
  const { reason } = request;
  if (reason === null) return null;
  if (!credential) return catalogueSentence(reason);
  return explainWithFacts(reason, request, credential, now) ?? catalogueSentence(reason);
}

function explainWithFacts(
  reason: RefusalReason,
  request: ExplainedRequest,
  credential: CredentialFacts,
  now: Date,
): string | null {
  const noun = KIND_WORDS[credential.kind].one;
  const day = (date: Date) => dayText(date, now);
  const latest = (...actions: string[]) => latestBefore(credential.history, actions, request.at);
  switch (reason) {
    case 'credential_disabled': {
      const stopped = latest('deactivated', 'reported_leaked');
      const todo =
        credential.status === 'ACTIVE'
          ? 'It is active again: retry the request.'
          : stopped?.action === 'reported_leaked'
            ? `Use another ${noun}: one reported leaked should not be activated again.`
            : 'Activate it, or use an active one.';
      if (stopped?.action === 'reported_leaked')
        return `This ${noun} was deactivated on ${day(stopped.at)} after it was reported leaked. ${todo}`;
      if (stopped) return `This ${noun} was deactivated on ${day(stopped.at)} ${byWhom(stopped)}. ${todo}`;
      if (!latest('activated'))
        return `This ${noun} was added on ${day(credential.createdAt)} and has not been activated. ${todo}`;
      return `This ${noun} is disabled. ${todo}`;
    }
    case 'credential_expired': {
      const expiry = credential.expiresAt;
      const todo =
        expiry === null || expiry.getTime() > credentialNow(credential.testClockAt, now.getTime())
          ? 'Its expiry has been changed since: retry the request.'
          : REASON_CATALOGUE.credential_expired.todo;
      if (expiry === null || expiry > request.at) return `This ${noun} had expired. ${todo}`;
      return `This ${noun} expired on ${day(expiry)}. ${todo}`;
    }
    case 'credential_rolled_out': {
      const rolled = latest('rolled');
      const replacementName =
        typeof rolled?.details.replacementName === 'string'
          ? rolled.details.replacementName
          : credential.replacedBy?.name;
      const todo = replacementName
        ? `Use “${replacementName}”, the secret that replaced it.`
        : REASON_CATALOGUE.credential_rolled_out.todo;
      const ended = typeof rolled?.details.deactivateAt === 'string' ? new Date(rolled.details.deactivateAt) : null;
      if (!rolled) return `This secret was rolled and its grace period has ended. ${todo}`;
      if (ended && !Number.isNaN(ended.getTime()) && ended.getTime() > rolled.at.getTime())
        return `This secret was rolled on ${day(rolled.at)} ${byWhom(rolled)}; its grace period ended on ${day(ended)}. ${todo}`;
      return `This secret was rolled on ${day(rolled.at)} ${byWhom(rolled)}, with no grace period. ${todo}`;
    }
    case 'credential_deleted': {
      const deleted = latest('deleted');
      const todo = REASON_CATALOGUE.credential_deleted.todo;
      return deleted
        ? `This ${noun} was deleted on ${day(deleted.at)} ${byWhom(deleted)}. ${todo}`
        : `This ${noun} was deleted. ${todo}`;
    }
    case 'address_not_allowed': {
      const ranges = rangesText(credential.allowedCidrs);
      const from = request.address
        ? `The request came from ${request.address}, which is`
        : 'The request came from an address';
      const happened = ranges
        ? `${from} outside this ${noun}’s allowed addresses (${ranges}).`
        : `${from} outside this ${noun}’s allowed addresses at the time.`;
      const todo = !ranges
        ? 'It allows any address now: retry the request.'
        : request.address
          ? `Call from an allowed address, or add ${request.address} to its allowed addresses.`
          : 'Call from an allowed address, or add the caller’s address to its allowed addresses.';
      return `${happened} ${todo}`;
    }
    case 'scope_not_allowed': {
      const refused = request.scopes;
      if (refused.length === 0) return null;
      const allowed = credential.scopes;
      const happened =
        refused.length === 1
          ? `Scope ${codeList(refused, 'and')} is not allowed to this ${noun}.`
          : `Scopes ${codeList(refused, 'and')} are not allowed to this ${noun}.`;
      const todo = refused.every((scope) => allowed.includes(scope))
        ? 'Its scopes have been edited since to allow them: retry the request.'
        : allowed.length
          ? `Edit its scopes, or request ${codeList(allowed, 'or')}.`
          : 'Edit its scopes: it allows none.';
      return `${happened} ${todo}`;
    }
    case 'decoy_used': {
      const from = request.address ? ` from ${request.address}` : '';
      return `The decoy “${credential.name}” was used${from}; nobody should hold it. ${REASON_CATALOGUE.decoy_used.todo}`;
    }
    default:
      return null;
  }
}

/** The newest entry of these actions at or before the instant. */
function latestBefore(history: readonly CredentialHistoryEntry[], actions: readonly string[], at: Date) {
  let found: CredentialHistoryEntry | undefined;
  for (const entry of history) {
    if (!actions.includes(entry.action) || entry.at.getTime() > at.getTime()) continue;
    if (!found || entry.at.getTime() > found.at.getTime()) found = entry;
  }
  return found;
}

/** "by Ada Admin", "by Sam of platform support (“reason”)", or what the system did. */
function byWhom(entry: CredentialHistoryEntry): string {
  if (entry.details.scheduled === true) return 'at the end of its roll grace period';
  if (entry.actorRole === 'SYSTEM') return 'by the system';
  const who = entry.actorRole === 'SUPPORT' ? `${entry.actorName} of platform support` : entry.actorName;
  return entry.reason ? `by ${who} (“${entry.reason}”)` : `by ${who}`;
}

function rangesText(ranges: readonly string[]): string {
  if (ranges.length === 0) return '';
  const listed = ranges.slice(0, RANGES_LISTED).join(', ');
  return ranges.length > RANGES_LISTED ? `${listed} and ${ranges.length - RANGES_LISTED} more` : listed;
}

/** `sdk`, `sdk` or `api`, `a`, `b` and `c`. */
function codeList(items: readonly string[], word: 'and' | 'or'): string {
  const coded = items.map((item) => `\`${item}\``);
  if (coded.length <= 1) return coded.join('');
  return `${coded.slice(0, -1).join(', ')} ${word} ${coded.at(-1)}`;
}
