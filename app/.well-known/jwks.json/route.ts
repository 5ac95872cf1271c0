// GET /.well-known/jwks.json — public keys that verify access tokens (RFC 7517).
import { getSigningKeys } from '@/lib/oauth/signing-keys';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const { jwks } = await getSigningKeys();
  return Response.json({ keys: jwks }, { headers: { 'Cache-Control': 'public, max-age=300' } });
}
