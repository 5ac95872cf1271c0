// POST /api/oauth/revoke — token revocation (RFC 7009).
// In production server/instance.ts answers this path before Next.js routes it (same handler); this
// route serves it everywhere else, e.g. under `next dev`.
import { handleRevocationRequest } from '@/lib/oauth/revocation-endpoint';
import { MAX_TOKEN_REQUEST_BYTES } from '@/lib/oauth/settings';
import { clientAddress } from '@/lib/http/client-address';
import { readBodyLimited } from '@/lib/http/request';

export const dynamic = 'force-dynamic';

export async function POST(request: Request): Promise<Response> {
  const response = await handleRevocationRequest({
    contentType: request.headers.get('content-type'),
    authorization: request.headers.get('authorization'),
    body: await readBodyLimited(request, MAX_TOKEN_REQUEST_BYTES),
    userAgent: request.headers.get('user-agent'),
    address: clientAddress(request) ?? 'unknown',
  });
  return new Response(response.body, { status: response.status, headers: response.headers });
}
