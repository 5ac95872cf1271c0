// POST /api/test-clock — moves the server's account-security clock; exists only when TEST_CLOCK=1.
import { z } from 'zod';
import { setClockOffset, testClockEnabled } from '@/lib/clock';

const schema = z
  .object({
    offsetSeconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400),
  })
  .strict();

export async function POST(request: Request) {
  if (!testClockEnabled()) return new Response('Not found', { status: 404 });
  const parsed = schema.safeParse(await request.json().catch(() => null));
  if (!parsed.success)
    return Response.json({ error: 'offsetSeconds must be a whole number of seconds' }, { status: 400 });
  setClockOffset(parsed.data.offsetSeconds * 1000);
  return Response.json({ offsetSeconds: parsed.data.offsetSeconds }, { headers: { 'cache-control': 'no-store' } });
}
