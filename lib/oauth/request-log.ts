import {
  writeRequestLogBatch,
  type LoggedRequest,
  type RequestLogBatch,
  type RequestTally,
} from '@/lib/data/request-log';
import type { LoggedEndpoint, RefusalReason } from '@/lib/request-log/reasons';
import { env } from '@/lib/env';

/** What an OAuth endpoint answered one request, and why. */
export interface RequestOutcome {
  requestId: string;
  endpoint: LoggedEndpoint;
  /** The Client ID the request named (authenticated, on a success); null when it named none. */
  clientId: string | null;
  credentialId: string | null;
  /** null: a success. */
  reason: RefusalReason | null;
  status: number;
  /** The RFC 6749 `error` answered, for the server's log line. */
  error?: string;
  scopes?: readonly string[];
  address: string;
  userAgent: string;
}

/** Refusals kept in detail per Client ID and minute (per instance); beyond it they are only counted. */
export const DETAILED_REFUSALS_PER_CLIENT_PER_MINUTE = 100;
/**
 * Tallies of Client IDs not yet known to be an organization's, per flush (each per address, until the batch
 * writer resolves them). Beyond it, further ones are counted per address only: a flood of made-up Client IDs
 * costs bounded memory and rows.
 */
const MAX_UNRESOLVED_TALLIES = 20_000;
const MAX_ADDRESS_TALLIES = 10_000;
/** Client IDs remembered as an organization's, or as no organization's (the latter for a minute). */
const MAX_KNOWN_CLIENTS = 100_000;
const MAX_UNKNOWN_CLIENTS = 20_000;
const UNKNOWN_CLIENT_TTL_MS = 60_000;
/** Entries held at once, whatever happens: a write failing for long drops the oldest detail, never the counts. */
const MAX_ENTRIES = 50_000;
/** Of those, entries of Client IDs not yet resolved, per flush: made-up ones cannot crowd out real ones. */
const MAX_UNRESOLVED_ENTRIES = 5_000;
/** Refusal log lines per minute per instance; the rest are summed up in one line. */
const LOG_LINES_PER_MINUTE = 600;

function tallyKey({ clientId, credentialId, reason, minute, address }: RequestTally): string {
  return `${clientId}\u0000${credentialId ?? ''}\u0000${reason ?? ''}\u0000${minute}\u0000${address ?? ''}`;
}

function minuteOf(now: number): number {
  return now - (now % 60_000);
}

/**
 * The request log's collector: every answer of the token, revocation and introspection endpoints is
 * recorded here in memory (a few map operations) and written in one batch every USAGE_FLUSH_MS, like usage.
 * A request never waits for, or causes, a database write of its own. Bounded under attack: per Client ID,
 * reason and minute one counter; at most 100 refusals per Client ID and minute in detail; a success in
 * detail at most once per credential, address and minute; Client IDs that no organization has only as a
 * count per address.
 */
export class RequestLogCollector {
  private tallies = new Map<string, RequestTally>();
  private unresolvedTallies = 0;
  private entries: LoggedRequest[] = [];
  private unresolvedEntries = 0;
  private addressTallies = new Map<string, { address: string; minute: number; count: number }>();
  private known = new Set<string>();
  private unknown = new Map<string, number>();
  /** This minute: refusals kept per Client ID, and the credential+address pairs whose success is kept. */
  private minute = 0;
  private refusalsKept = new Map<string, number>();
  private successesKept = new Set<string>();
  private logLines = 0;
  private logLinesSkipped = 0;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private readonly write: (batch: RequestLogBatch) => Promise<{ known: string[]; unknown: string[] }>;
  private readonly log: (line: string) => void;

  /** The options are for tests: another writer and another log. */
  constructor({
    write = writeRequestLogBatch,
    log = (line: string) => console.warn(line),
  }: {
    write?: (batch: RequestLogBatch) => Promise<{ known: string[]; unknown: string[] }>;
    log?: (line: string) => void;
  } = {}) {
    this.write = write;
    this.log = log;
  }

  record(outcome: RequestOutcome, now = Date.now()): void {
    this.start();
    const minute = minuteOf(now);
    if (minute !== this.minute) this.newMinute(minute);
    const { clientId, reason } = outcome;
    // A success proves its client exists.
    if (reason === null && clientId !== null && !this.known.has(clientId)) this.remember(clientId);
    const resolved = clientId !== null && this.known.has(clientId);
    const noClient =
      clientId === null || (!resolved && now - (this.unknown.get(clientId) ?? -Infinity) < UNKNOWN_CLIENT_TTL_MS);
    if (noClient) {
      this.countAddress(outcome.address, minute);
      if (reason !== null) this.logRefusal(outcome);
      return;
    }
    // Until the writer says whether this Client ID is an organization's, it is counted with the address.
    const address = resolved ? null : outcome.address;
    const counted: RequestTally = { clientId, credentialId: outcome.credentialId, reason, minute, count: 1, address };
    const key = tallyKey(counted);
    const tally = this.tallies.get(key);
    if (tally) tally.count += 1;
    else {
      if (!resolved) {
        if (this.unresolvedTallies >= MAX_UNRESOLVED_TALLIES) {
          this.countAddress(outcome.address, minute);
          this.logRefusal(outcome);
          return;
        }
        this.unresolvedTallies += 1;
      }
      this.tallies.set(key, counted);
    }
    const room = resolved ? this.entries.length < MAX_ENTRIES : this.unresolvedEntries < MAX_UNRESOLVED_ENTRIES;
    if (room && this.keepInDetail(outcome, clientId)) {
      if (!resolved) this.unresolvedEntries += 1;
      this.entries.push({
        id: outcome.requestId,
        clientId,
        credentialId: outcome.credentialId,
        endpoint: outcome.endpoint,
        reason,
        status: outcome.status,
        scopes: outcome.scopes ?? [],
        address: outcome.address,
        userAgent: outcome.userAgent,
        at: now,
      });
    }
    if (reason !== null) this.logRefusal(outcome);
  }

  private keepInDetail({ reason, credentialId, address }: RequestOutcome, clientId: string): boolean {
    if (reason === null) {
      const key = `${credentialId}\u0000${address}`;
      if (this.successesKept.has(key)) return false;
      this.successesKept.add(key);
      return true;
    }
    const kept = this.refusalsKept.get(clientId) ?? 0;
    if (kept >= DETAILED_REFUSALS_PER_CLIENT_PER_MINUTE) return false;
    this.refusalsKept.set(clientId, kept + 1);
    return true;
  }

  private remember(clientId: string) {
    if (this.known.size >= MAX_KNOWN_CLIENTS) this.known.clear();
    this.known.add(clientId);
    this.unknown.delete(clientId);
  }

  private countAddress(address: string, minute: number) {
    let key = `${address}\u0000${minute}`;
    let tally = this.addressTallies.get(key);
    if (!tally && this.addressTallies.size >= MAX_ADDRESS_TALLIES) {
      // So many addresses at once: the rest are counted together.
      key = `other\u0000${minute}`;
      tally = this.addressTallies.get(key);
      address = 'other';
    }
    if (tally) tally.count += 1;
    else this.addressTallies.set(key, { address, minute, count: 1 });
  }

  /** The server's log line of a refusal: its Request-Id and reason, never the Client ID (it may hold a secret). */
  private logRefusal({ requestId, endpoint, status, error, reason, address }: RequestOutcome) {
    if (this.logLines >= LOG_LINES_PER_MINUTE) {
      this.logLinesSkipped += 1;
      return;
    }
    this.logLines += 1;
    this.log(`oauth: ${endpoint} refused ${requestId} ${status} ${error ?? ''} (${reason}) from ${address}`);
  }

  private newMinute(minute: number) {
    if (this.logLinesSkipped > 0)
      this.log(`oauth: ${this.logLinesSkipped} more refusals in the last minute; the request log counts them`);
    this.minute = minute;
    this.refusalsKept.clear();
    this.successesKept.clear();
    this.logLines = 0;
    this.logLinesSkipped = 0;
  }

  private start() {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), env.USAGE_FLUSH_MS);
    this.timer.unref();
  }

  /** Writes what has been collected so far; flushes run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeBatch()).catch(() => {});
    return this.flushing;
  }

  private async writeBatch() {
    if (!this.tallies.size && !this.entries.length && !this.addressTallies.size) return;
    const batch: RequestLogBatch = {
      entries: this.entries,
      tallies: [...this.tallies.values()],
      unknownClients: [...this.addressTallies.values()],
    };
    this.entries = [];
    this.unresolvedEntries = 0;
    this.tallies = new Map();
    this.unresolvedTallies = 0;
    this.addressTallies = new Map();
    try {
      const { known, unknown } = await this.write(batch);
      for (const clientId of known) this.remember(clientId);
      if (this.unknown.size + unknown.length > MAX_UNKNOWN_CLIENTS) this.unknown.clear();
      const now = Date.now();
      for (const clientId of unknown) this.unknown.set(clientId, now);
    } catch (error) {
      // Put the batch back for the next flush rather than lose it (detail only while there is room).
      for (const tally of batch.tallies) {
        const key = tallyKey(tally);
        const existing = this.tallies.get(key);
        if (existing) existing.count += tally.count;
        else this.tallies.set(key, tally);
      }
      for (const row of batch.unknownClients) {
        const key = `${row.address}\u0000${row.minute}`;
        const existing = this.addressTallies.get(key);
        if (existing) existing.count += row.count;
        else this.addressTallies.set(key, row);
      }
      this.entries = [...batch.entries, ...this.entries].slice(-MAX_ENTRIES);
      throw error;
    }
  }
}

const globalForLog = globalThis as unknown as { requestLog?: RequestLogCollector };
export const requestLog = (globalForLog.requestLog ??= new RequestLogCollector());
