import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** A credential as events describe it (the portal's events guide, "The catalogue"). */
export interface EventCredential {
  id: string;
  name: string;
  kind: 'secret' | 'public_key' | 'workload';
  /** The masked secret (`uqs_…a1b2`), the key's algorithm and id, or the workload's subject. */
  preview: string;
  status: 'active' | 'disabled' | 'expired' | 'deleted';
  scopes: string[];
  expires_at: string | null;
}

/** An event's `data`: what every type holds, and what some add. */
export interface EventData {
  organization_id: string;
  credential?: EventCredential;
  actor?: { type: 'user' | 'system' | 'public'; name: string };
  address?: string | null;
  user_agent?: string | null;
  reason?: string | null;
  /** credential.expiring: when it stops, what stops it, and the threshold crossed. */
  stops_at?: string;
  stops_because?: 'expiry' | 'roll_grace_period';
  days?: number;
  /** credential.scopes_changed */
  previous_scopes?: string[];
  /** credential.rolled: the secret that replaces it. */
  replacement?: { id: string; name: string; preview: string };
  /** Set on samples: Send test event, and the platform API's event triggers. */
  test?: true;
  [extra: string]: unknown;
}

/** The `data` of an event type: every `credential.*` event names its credential. */
export type EventDataOf<Type extends string> = Type extends `credential.${string}`
  ? EventData & { credential: EventCredential }
  : EventData;

/** One delivery, after its signature was verified: the parsed payload and its `webhook-id`. */
export interface WebhookEvent<Data = EventData> {
  /** The message id (`webhook-id`): the same on every retry of one event. */
  id: string;
  type: string;
  timestamp: string;
  data: Data;
  /** When it arrived, by this process's clock. */
  receivedAt: Date;
}

const MAX_BODY_BYTES = 1024 * 1024;

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) request.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * A customer's receiver, in the worker's process: it verifies each delivery with the endpoint's signing secret
 * (Standard Webhooks) and keeps those that pass. A delivery that fails verification is answered 400 (so the
 * portal shows it failed) and counted, never kept: a test sees only what a real receiver would trust.
 */
export class WebhookReceiver {
  private readonly server: Server;
  private webhook: Webhook | null = null;
  private readonly received: WebhookEvent[] = [];
  private readonly waiters = new Set<() => void>();
  /** Deliveries refused, with why: a wrong signature, a stale timestamp, a body that is not an event. */
  readonly rejected: string[] = [];

  private constructor() {
    this.server = createServer((request, response) => {
      readBody(request)
        .then((body) => {
          const verified = this.verify(body, request);
          response.writeHead(verified ? 204 : 400).end();
        })
        .catch(() => response.writeHead(400).end());
    });
  }

  static async start({ host, port }: { host: string; port: number }): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve, reject) => {
      receiver.server.once('error', reject);
      receiver.server.listen(port, host, () => resolve());
    });
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Verifies deliveries from now on with the endpoint's signing secret (`whsec_…`). */
  useSigningSecret(secret: string) {
    this.webhook = new Webhook(secret);
  }

  private verify(body: string, request: IncomingMessage): boolean {
    const header = (name: string) => String(request.headers[name] ?? '');
    const headers = {
      'webhook-id': header('webhook-id'),
      'webhook-timestamp': header('webhook-timestamp'),
      'webhook-signature': header('webhook-signature'),
    };
    if (!this.webhook) {
      this.rejected.push(`${headers['webhook-id']}: arrived before the endpoint was registered`);
      return false;
    }
    let payload: { type?: unknown; timestamp?: unknown; data?: unknown };
    try {
      payload = this.webhook.verify(body, headers) as typeof payload;
    } catch (error) {
      this.rejected.push(`${headers['webhook-id']}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    if (typeof payload?.type !== 'string' || typeof payload.data !== 'object' || payload.data === null) {
      this.rejected.push(`${headers['webhook-id']}: not an event (no type or data)`);
      return false;
    }
    this.received.push({
      id: headers['webhook-id'],
      type: payload.type,
      timestamp: String(payload.timestamp ?? ''),
      data: payload.data as EventData,
      receivedAt: new Date(),
    });
    for (const wake of this.waiters) wake();
    return true;
  }

  /** Every verified event since the receiver started, oldest first. */
  all(): WebhookEvent[] {
    return [...this.received];
  }

  /** How many verified events have arrived so far (a test's starting point). */
  get count(): number {
    return this.received.length;
  }

  /**
   * The first verified event from index `from` on of this type that `predicate` accepts, waiting for it up to
   * `timeout` ms.
   */
  waitFor<Data>(
    type: string,
    predicate: ((event: WebhookEvent<Data>) => boolean) | undefined,
    { from, timeout }: { from: number; timeout: number },
  ): Promise<WebhookEvent<Data>> {
    const find = () =>
      this.received
        .slice(from)
        .find((event) => event.type === type && (!predicate || predicate(event as WebhookEvent<Data>))) as
        | WebhookEvent<Data>
        | undefined;
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const wake = () => {
        const event = find();
        if (!event) return;
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(event);
      };
      const timer = setTimeout(() => {
        this.waiters.delete(wake);
        const seen = this.received.slice(from).map((event) => event.type);
        reject(
          new Error(
            `No verified ${type} event arrived within ${timeout} ms` +
              ` (this test received: ${seen.length ? seen.join(', ') : 'nothing'}` +
              `${this.rejected.length ? `; refused deliveries: ${this.rejected.slice(-5).join('; ')}` : ''}).`,
          ),
        );
      }, timeout);
      this.waiters.add(wake);
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }
}
