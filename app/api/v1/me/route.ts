// GET /api/v1/me — the calling client, as the platform's REST API sees its access token.
import { bearerToken, verifyAccessToken } from '@/lib/oauth/verify-access-token';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const token = bearerToken(request.headers.get('authorization'));
  const verified = token ? await verifyAccessToken(token) : null;
  if (!verified) {
    return Response.json(
      { error: 'invalid_token', error_description: 'The access token is missing, malformed, expired or not for this API.' },
      { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"', 'Cache-Control': 'no-store' } },
    );
  }
  return Response.json(
    { client_id: verified.clientId, scope: verified.scope, expires_at: new Date(verified.expiresAt * 1000).toISOString() },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}
