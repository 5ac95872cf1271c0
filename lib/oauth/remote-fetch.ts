import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { env } from '@/lib/env';
import {
  addressRefusal,
  checkRemoteUrl as checkUrl,
  hostAddress,
  isLoopbackHost,
  type RemoteUrlCheck,
} from '@/lib/credentials/remote-url';

/** Largest JWKS or discovery document read; anything longer is refused before it is parsed. */
const MAX_REMOTE_DOCUMENT_BYTES = 64 * 1024;

/** Why a remote document could not be used; the message is safe to show to the client or the admin. */
export class RemoteFetchError extends Error {}

/**
 * Whether the server may fetch this URL: the rule of lib/credentials/remote-url.ts (which the portal applies when
 * the URL is entered), with plain http on loopback under the test setting OAUTH_ALLOW_LOOPBACK_HTTP.
 */
export function checkRemoteUrl(text: string): RemoteUrlCheck {
  return checkUrl(text, { allowLoopbackHttp: env.OAUTH_ALLOW_LOOPBACK_HTTP });
}

/** Resolves like dns.lookup, but refuses a host that resolves to a non-public address (unless loopback is allowed). */
function guardedLookup(allowLoopback: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as LookupAddress[];
      const allowed = list.filter((entry) => addressRefusal(entry.address, { allowLoopback }) === null);
      if (allowed.length === 0 || allowed.length !== list.length) {
        return callback(new RemoteFetchError(`${hostname} resolves to an address that is not public.`), '', 0);
      }
      if ((options as { all?: boolean }).all) return callback(null, allowed as unknown as string, 0);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}

/**
 * GETs a JSON document from a checked URL with a timeout (OAUTH_FETCH_TIMEOUT_MS for the whole exchange) and
 * a size limit, following no redirects and reaching only public addresses (loopback too under the test
 * setting). Every failure is a RemoteFetchError with a message fit for an error_description.
 */
export function fetchJson(text: string, maxBytes = MAX_REMOTE_DOCUMENT_BYTES): Promise<unknown> {
  const checked = checkRemoteUrl(text);
  if (!checked.ok) return Promise.reject(new RemoteFetchError(checked.message));
  const { url } = checked;
  const allowLoopback = url.protocol === 'http:' || (env.OAUTH_ALLOW_LOOPBACK_HTTP && isLoopbackHost(url.hostname));
  // Node connects to a host written as an address without calling `lookup`, so the resolver's guard never
  // sees it. checkRemoteUrl refuses such a host already; this is the last line before the connection.
  const address = hostAddress(url.hostname);
  const refused = address && addressRefusal(address, { allowLoopback: env.OAUTH_ALLOW_LOOPBACK_HTTP });
  if (refused) return Promise.reject(new RemoteFetchError(`The server fetches only from public hosts: ${refused}`));
  const transport = url.protocol === 'https:' ? https : http;
  const timeoutMs = env.OAUTH_FETCH_TIMEOUT_MS;

  return new Promise((resolve, reject) => {
    const fail = (message: string) => reject(new RemoteFetchError(message));
    const request = transport.get(
      url,
      {
        headers: { Accept: 'application/json', 'User-Agent': 'credentials-console' },
        lookup: guardedLookup(allowLoopback),
        timeout: timeoutMs,
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          fail(`${url.host} answered ${response.statusCode} for ${url.pathname}.`);
          return;
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
          response.destroy();
          fail(`The document at ${url.host} is larger than ${maxBytes} bytes.`);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            fail(`The document at ${url.host} is larger than ${maxBytes} bytes.`);
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (size > maxBytes) return;
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            fail(`The document at ${url.host} is not JSON.`);
          }
        });
        response.on('error', () => fail(`${url.host} broke off the answer.`));
      },
    );
    const deadline = setTimeout(() => {
      request.destroy();
      fail(`${url.host} did not answer within ${timeoutMs} ms.`);
    }, timeoutMs);
    deadline.unref();
    request.on('timeout', () =>
      request.destroy(new RemoteFetchError(`${url.host} did not answer within ${timeoutMs} ms.`)),
    );
    request.on('error', (error) =>
      fail(error instanceof RemoteFetchError ? error.message : `${url.host} could not be reached.`),
    );
    request.on('close', () => clearTimeout(deadline));
  });
}

/** What a receiver answered to one POST: its status and the start of its body. */
export interface PostAnswer {
  statusCode: number;
  body: string;
}

const keepAliveAgents = new Map<string, http.Agent>();

/** One keep-alive agent per transport and loopback rule, whose connections resolve through the guard. */
function agentFor(protocol: string, allowLoopback: boolean): http.Agent {
  const key = `${protocol}${allowLoopback}`;
  let agent = keepAliveAgents.get(key);
  if (!agent) {
    const options = { keepAlive: true, maxSockets: 50, lookup: guardedLookup(allowLoopback) };
    agent = protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
    keepAliveAgents.set(key, agent);
  }
  return agent;
}

/**
 * POSTs a body to a URL that follows the same rules as fetchJson's (public hosts only, checked again when
 * connecting so that DNS cannot point it at a private address; plain http on loopback only under the test
 * setting), following no redirects, within `timeoutMs` for the whole exchange. Resolves with any status
 * (the caller decides what counts as success) and the first `keepBytes` of the answer; rejects with a
 * RemoteFetchError when no answer came.
 */
export function postToPublicUrl(
  text: string,
  body: string,
  { headers, timeoutMs, keepBytes }: { headers: Record<string, string>; timeoutMs: number; keepBytes: number },
): Promise<PostAnswer> {
  const checked = checkRemoteUrl(text);
  if (!checked.ok) return Promise.reject(new RemoteFetchError(checked.message));
  const { url } = checked;
  const allowLoopback = url.protocol === 'http:' || (env.OAUTH_ALLOW_LOOPBACK_HTTP && isLoopbackHost(url.hostname));
  const address = hostAddress(url.hostname);
  const refused = address && addressRefusal(address, { allowLoopback: env.OAUTH_ALLOW_LOOPBACK_HTTP });
  if (refused) return Promise.reject(new RemoteFetchError(`Deliveries go only to public hosts: ${refused}`));
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    const request = transport.request(
      url,
      {
        method: 'POST',
        agent: agentFor(url.protocol, allowLoopback),
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'User-Agent': 'credentials-console-webhooks',
          ...headers,
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const finish = () =>
          settle(() =>
            resolve({
              statusCode: response.statusCode ?? 0,
              body: Buffer.concat(chunks).subarray(0, keepBytes).toString('utf8'),
            }),
          );
        response.on('data', (chunk: Buffer) => {
          if (kept < keepBytes) {
            chunks.push(chunk);
            kept += chunk.length;
          }
        });
        response.on('end', finish);
        // An answer cut off after its status still counts as that status.
        response.on('error', finish);
        response.on('aborted', finish);
      },
    );
    const deadline = setTimeout(() => {
      request.destroy();
      settle(() => reject(new RemoteFetchError(`${url.host} did not answer within ${timeoutMs} ms.`)));
    }, timeoutMs);
    deadline.unref();
    request.on('error', (error) =>
      settle(() =>
        reject(
          new RemoteFetchError(error instanceof RemoteFetchError ? error.message : `${url.host} could not be reached.`),
        ),
      ),
    );
    request.end(body);
  });
}

/** What fetchPublic sends: a Fetch API request's method, headers and body as openid-client gives them. */
export interface PublicRequest {
  method: string;
  headers: Record<string, string>;
  body?: string | URLSearchParams | Uint8Array | ArrayBuffer | null;
  signal?: AbortSignal;
}

function bodyBytes(body: PublicRequest['body']): Buffer | null {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string' || body instanceof URLSearchParams) return Buffer.from(body.toString(), 'utf8');
  return Buffer.from(body instanceof ArrayBuffer ? new Uint8Array(body) : body);
}

/**
 * A Fetch API-shaped request under the rules of fetchJson (public hosts only, checked again when connecting;
 * plain http on loopback only under the test setting; no redirects; OAUTH_FETCH_TIMEOUT_MS for the whole
 * exchange; at most 64 KiB of answer), for libraries that take a fetch function (openid-client's
 * customFetch). Any status resolves; no answer rejects with a RemoteFetchError.
 */
export function fetchPublic(text: string, init: PublicRequest): Promise<Response> {
  const checked = checkRemoteUrl(text);
  if (!checked.ok) return Promise.reject(new RemoteFetchError(checked.message));
  const { url } = checked;
  const allowLoopback = url.protocol === 'http:' || (env.OAUTH_ALLOW_LOOPBACK_HTTP && isLoopbackHost(url.hostname));
  const address = hostAddress(url.hostname);
  const refused = address && addressRefusal(address, { allowLoopback: env.OAUTH_ALLOW_LOOPBACK_HTTP });
  if (refused) return Promise.reject(new RemoteFetchError(`The server fetches only from public hosts: ${refused}`));
  const transport = url.protocol === 'https:' ? https : http;
  const timeoutMs = env.OAUTH_FETCH_TIMEOUT_MS;
  const body = bodyBytes(init.body);
  const maxBytes = MAX_REMOTE_DOCUMENT_BYTES;

  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      outcome();
    };
    const fail = (message: string) => settle(() => reject(new RemoteFetchError(message)));
    const request = transport.request(
      url,
      {
        method: init.method,
        headers: {
          'User-Agent': 'credentials-console',
          ...init.headers,
          ...(body ? { 'Content-Length': String(body.length) } : {}),
        },
        lookup: guardedLookup(allowLoopback),
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            response.destroy();
            fail(`The answer from ${url.host} is larger than ${maxBytes} bytes.`);
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            if (typeof value === 'string') headers.set(name, value);
            else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
          }
          const status = response.statusCode ?? 502;
          // A Response cannot carry a body with these statuses.
          const content = [204, 205, 304].includes(status) ? null : Buffer.concat(chunks);
          settle(() => resolve(new Response(content, { status, headers })));
        });
        response.on('error', () => fail(`${url.host} broke off the answer.`));
      },
    );
    const deadline = setTimeout(() => {
      request.destroy();
      fail(`${url.host} did not answer within ${timeoutMs} ms.`);
    }, timeoutMs);
    deadline.unref();
    init.signal?.addEventListener('abort', () => {
      request.destroy();
      fail(`The request to ${url.host} was cancelled.`);
    });
    request.on('timeout', () =>
      request.destroy(new RemoteFetchError(`${url.host} did not answer within ${timeoutMs} ms.`)),
    );
    request.on('error', (error) =>
      fail(error instanceof RemoteFetchError ? error.message : `${url.host} could not be reached.`),
    );
    request.end(body ?? undefined);
  });
}
