import { IncomingMessage, type ServerResponse } from 'node:http';

/** Sign-in and next-auth's own endpoints take a few hundred bytes; 16 KiB leaves room and refuses floods. */
export const AUTH_BODY_LIMIT_BYTES = 16 * 1024;

/**
 * Whether a request target is under /api/auth, spelled however the router would still reach it
 * (percent-encoding, dot segments, doubled slashes, letter case), so that no spelling skips the limit.
 */
export function isAuthPath(url: string | undefined): boolean {
  if (!url) return false;
  let path: string;
  try {
    // Origin-form targets are appended rather than resolved, so that `//api/auth` stays a path.
    const target = url.startsWith('/') ? new URL(`http://portal.invalid${url}`) : new URL(url);
    path = decodeURIComponent(target.pathname);
  } catch {
    // Undecodable targets are refused by the router anyway; limiting them too costs nothing.
    return true;
  }
  path = path.replace(/[\\/]+/g, '/').toLowerCase();
  return path === '/api/auth' || path.startsWith('/api/auth/');
}

function refuse(req: IncomingMessage, res: ServerResponse) {
  const body = JSON.stringify({ message: 'The request is too large.' });
  // Connection: close, then drop the socket once the answer is out: the rest of the body is never read.
  res.writeHead(413, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
    Connection: 'close',
  });
  res.end(body, () => req.destroy());
}

/** A request carrying `body` in place of the chunked body already read from `req`. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const copy = new IncomingMessage(req.socket);
  copy.method = req.method;
  copy.url = req.url;
  copy.httpVersion = req.httpVersion;
  copy.httpVersionMajor = req.httpVersionMajor;
  copy.httpVersionMinor = req.httpVersionMinor;
  const headers = { ...req.headers, 'content-length': String(body.length) };
  delete headers['transfer-encoding'];
  copy.headers = headers;
  copy.rawHeaders = Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value ?? '']).flatMap((one) => [name, one]),
  );
  copy.complete = true;
  copy.push(body);
  copy.push(null);
  return copy;
}

/**
 * Passes `req` on to `next` only if its body is at most `maxBytes`; otherwise answers 413 and closes the
 * connection, before anything downstream has read a byte (next-auth reads a whole body before its CSRF
 * check). A declared Content-Length over the limit is refused at once; a Content-Length within it is passed
 * on as it is, since Node's parser never delivers more than the declared length. A chunked body is read
 * here, counted as it arrives, refused as soon as it passes the limit, and otherwise handed on in full.
 */
export function limitRequestBody(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
  next: (req: IncomingMessage) => void,
): void {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    refuse(req, res);
    return;
  }
  if (req.headers['transfer-encoding'] === undefined) {
    next(req);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) {
      req.off('data', onData);
      refuse(req, res);
    } else chunks.push(chunk);
  };
  req.on('data', onData);
  req.on('end', () => {
    if (size <= maxBytes) next(replay(req, Buffer.concat(chunks)));
  });
  // A client that hangs up mid-body has no one left to answer.
  req.on('error', () => req.destroy());
}
