import { headers } from 'next/headers';
import { clientAddress } from '@/lib/http/client-address';
import type { RequestContext } from '@/lib/data/audit';

/** A request body read no further than `maxBytes`; null when it is larger (or cannot be read). */
export async function readBodyLimited(request: Request, maxBytes: number): Promise<string | null> {
  if (Number(request.headers.get('content-length') ?? 0) > maxBytes) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Where the current server action or page request came from, for the audit trail. */
export async function requestContext(): Promise<RequestContext> {
  const list = await headers();
  return { address: clientAddress(list), userAgent: list.get('user-agent') };
}
