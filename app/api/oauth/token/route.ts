// POST /api/oauth/token — client-credentials grant (RFC 6749 §4.4).
// In production scripts/server.ts answers this path before Next.js routes it (same handler); this
// route serves it everywhere else, e.g. under `next dev`.
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { MAX_TOKEN_REQUEST_BYTES } from '@/lib/oauth/settings';
import { clientAddress } from '@/lib/http/client-address';

export const dynamic = 'force-dynamic';

/** The body, read no further than the limit; null when it is larger. */
async function readLimited(request: Request): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_TOKEN_REQUEST_BYTES) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_TOKEN_REQUEST_BYTES) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function POST(request: Request): Promise<Response> {
  const response = await handleTokenRequest({
    contentType: request.headers.get('content-type'),
    authorization: request.headers.get('authorization'),
    body: await readLimited(request),
    userAgent: request.headers.get('user-agent'),
    // Next.js puts the peer's address last in X-Forwarded-For.
    address: clientAddress(request.headers.get('x-forwarded-for')?.split(',').at(-1)?.trim(), request.headers.get('x-forwarded-for')),
  });
  return new Response(response.body, { status: response.status, headers: response.headers });
}
