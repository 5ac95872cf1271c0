// POST /api/secrets/revoke — public report of leaked secrets, which are deactivated at once.
import { clientAddress } from '@/lib/http/client-address';
import { readBodyLimited } from '@/lib/http/request';
import { MAX_REPORT_BYTES, countLeakReport, startLeakReport } from '@/lib/data/leak-reports';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

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
    const address = (clientAddress(request) ?? 'unknown').slice(0, 128);
    const retryAfter = await countLeakReport({ address });
    if (retryAfter !== null) {
      return Response.json(
        { error: 'rate_limited' },
        { status: 429, headers: { ...NO_STORE, 'Retry-After': String(retryAfter) } },
      );
    }
    // Whatever was sent (no content type is required), and whatever came of it, the answer is the same.
    const candidates = parseJson(await readBodyLimited(request, MAX_REPORT_BYTES));
    startLeakReport({ candidates, address, userAgent: request.headers.get('user-agent') });
  } catch (error) {
    console.error('leak report: unexpected error', error instanceof Error ? error.name : typeof error);
  }
  return Response.json({ status: 'accepted' }, { status: 202, headers: NO_STORE });
}
