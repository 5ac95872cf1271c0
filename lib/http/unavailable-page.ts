import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RETRY_AFTER_SECONDS, failedForDatabase } from '@/lib/db/availability';
import { transportSecurityHeaders } from '@/lib/http/security-headers';

function page(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Temporarily unavailable · Customer Portal</title>
<style nonce="${nonce}">
  body { margin: 0; min-height: 100dvh; display: grid; place-items: center; background: #f8fafc; color: #0f172a;
         font-family: "Inter Variable", ui-sans-serif, system-ui, -apple-system, "Segoe UI", sans-serif; }
  main { max-width: 28rem; margin: 1.5rem; padding: 2rem; background: #fff; border: 1px solid #e2e8f0;
         border-radius: 0.75rem; box-shadow: 0 1px 2px rgb(15 23 42 / 0.06); }
  h1 { margin: 0 0 0.5rem; font-size: 1.25rem; font-weight: 600; }
  p { margin: 0 0 1.25rem; color: #475569; line-height: 1.5; font-size: 0.9375rem; }
  a { display: inline-block; padding: 0.5rem 1rem; border-radius: 0.5rem; background: #0f172a; color: #fff;
      text-decoration: none; font-size: 0.875rem; font-weight: 500; }
  a:focus-visible { outline: 2px solid #2563eb; outline-offset: 2px; }
</style>
</head>
<body>
<main role="alert">
  <h1>We can't reach the service right now</h1>
  <p>The portal cannot reach its database at the moment. Nothing you did caused this, and nothing was lost.
     It usually comes back within seconds.</p>
  <a href="">Try again</a>
</main>
</body>
</html>`;
}

/** The designed 503 page, with Retry-After and a CSP of its own (one nonce-allowed style sheet, nothing else). */
export function sendUnavailablePage(res: ServerResponse, writeHead = res.writeHead, end = res.end) {
  const nonce = randomBytes(16).toString('base64');
  const body = page(nonce);
  writeHead.call(res, 503, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Retry-After': String(RETRY_AFTER_SECONDS),
    'Cache-Control': 'no-store',
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    ...transportSecurityHeaders(),
  });
  (end as (this: ServerResponse, chunk: string) => ServerResponse).call(res, body);
}

/**
 * For a page request handed to Next.js: if Next answers with a server error and the database failed while
 * the request ran, the visitor gets the designed 503 page (with Retry-After) instead of a 500. Next sends the
 * status with its first write, so the answer is decided there; nothing of Next's error page goes out.
 */
export function replaceOutageErrors(req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') return;
  const startedAt = Date.now();
  const original = { writeHead: res.writeHead, write: res.write, end: res.end };
  let decision: 'pass' | 'replace' | undefined;
  const replaced = (status: number) => {
    if (decision === undefined) {
      decision = status >= 500 && failedForDatabase(undefined, startedAt) ? 'replace' : 'pass';
      if (decision === 'replace') {
        for (const name of res.getHeaderNames()) res.removeHeader(name);
        sendUnavailablePage(res, original.writeHead, original.end);
      }
    }
    return decision === 'replace';
  };
  const done = (args: unknown[]) => {
    const callback = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    if (callback) process.nextTick(callback);
  };
  res.writeHead = function (this: ServerResponse, status: number, ...rest: unknown[]) {
    if (replaced(status)) return this;
    return (original.writeHead as (...args: unknown[]) => ServerResponse).call(this, status, ...rest);
  } as ServerResponse['writeHead'];
  res.write = function (this: ServerResponse, ...args: unknown[]) {
    if (!this.headersSent && replaced(this.statusCode)) {
      done(args);
      return true;
    }
    if (decision === 'replace') return true;
    return (original.write as (...a: unknown[]) => boolean).apply(this, args);
  } as ServerResponse['write'];
  res.end = function (this: ServerResponse, ...args: unknown[]) {
    if ((!this.headersSent && replaced(this.statusCode)) || decision === 'replace') {
      done(args);
      return this;
    }
    return (original.end as (...a: unknown[]) => ServerResponse).apply(this, args);
  } as ServerResponse['end'];
}
