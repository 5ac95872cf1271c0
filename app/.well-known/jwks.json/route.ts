// GET /.well-known/jwks.json — public keys that verify access tokens (RFC 7517).
import { getSigningKeys } from '@/lib/oauth/signing-keys';
import { serviceUnavailableJson } from '@/lib/http/unavailable';

export const dynamic = 'force-dynamic';

export async function GET(): Promise<Response> {
  const startedAt = Date.now();
  try {
    // Served from memory once loaded, also while the database is down.
    const { jwks } = await getSigningKeys();
    return Response.json({ keys: jwks }, { headers: { 'Cache-Control': 'public, max-age=300' } });
  } catch (error) {
    return serviceUnavailableJson(error, startedAt);
  }
}
