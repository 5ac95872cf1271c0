// POST /api/secrets/revoke — public report of leaked secrets, which are deactivated at once.
import { clientAddress } from '@/lib/http/client-address';
import { MAX_REPORT_BYTES, countLeakReport, reportLeakedSecrets } from '@/lib/secrets/leak-report';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

/** The body, read no further than the limit; null when it is larger or cannot be read. */
async function readLimited(request: Request): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? 0) > MAX_REPORT_BYTES) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_REPORT_BYTES) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string | null): unknown {
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function POST(request: Request): Promise<Response> {
  try {
    const forwardedFor = request.headers.get('x-forwarded-for');
    // Next.js puts the peer's address last in X-Forwarded-For.
    const address = clientAddress(forwardedFor?.split(',').at(-1)?.trim(), forwardedFor).slice(0, 128);
    const retryAfter = await countLeakReport({ address });
    if (retryAfter !== null) {
      return Response.json({ error: 'rate_limited' }, { status: 429, headers: { ...NO_STORE, 'Retry-After': String(retryAfter) } });
    }
    // Whatever was sent (no content type is required), and whatever came of it, the answer is the same.
    const candidates = parseJson(await readLimited(request));
    await reportLeakedSecrets({ candidates, address, userAgent: request.headers.get('user-agent') });
  } catch (error) {
    console.error('leak report: unexpected error', error instanceof Error ? error.name : typeof error);
  }
  return Response.json({ status: 'accepted' }, { status: 202, headers: NO_STORE });
}
