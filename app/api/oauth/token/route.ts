// POST /api/oauth/token — client-credentials grant (RFC 6749 §4.4).
// In production scripts/server.ts answers this path before Next.js routes it (same handler); this
// route serves it everywhere else, e.g. under `next dev`.
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { MAX_TOKEN_REQUEST_BYTES } from '@/lib/oauth/settings';
import { clientAddress } from '@/lib/http/token-route';

export const dynamic = 'force-dynamic';

async function readLimited(request: Request): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_TOKEN_REQUEST_BYTES) return null;
  const buffer = await request.arrayBuffer();
  return buffer.byteLength > MAX_TOKEN_REQUEST_BYTES ? null : new TextDecoder().decode(buffer);
}

export async function POST(request: Request): Promise<Response> {
  const response = await handleTokenRequest({
    contentType: request.headers.get('content-type'),
    authorization: request.headers.get('authorization'),
    body: await readLimited(request),
    address: clientAddress(request.headers.get('x-forwarded-for')?.split(',')[0]?.trim(), null),
  });
  return new Response(response.body, { status: response.status, headers: response.headers });
}
