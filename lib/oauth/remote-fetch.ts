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
