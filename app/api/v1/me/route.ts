// GET /api/v1/me — the calling client, as the platform's REST API sees its access token.
import { bearerToken, verifyAccessToken, type VerifiedAccessToken } from '@/lib/oauth/verify-access-token';
import { serviceUnavailableJson } from '@/lib/http/unavailable';

export const dynamic = 'force-dynamic';

const NO_STORE = { 'Cache-Control': 'no-store' };

export async function GET(request: Request): Promise<Response> {
  const startedAt = Date.now();
  const token = bearerToken(request.headers.get('authorization'));
  let verified: VerifiedAccessToken | null = null;
  try {
    verified = token ? await verifyAccessToken(token) : null;
  } catch (error) {
    // A token that could not be checked is not an invalid token: never a 401 for it.
    return serviceUnavailableJson(error, startedAt);
  }
  if (!verified) {
    return Response.json(
      {
        error: 'invalid_token',
        error_description: 'The access token is missing, malformed, expired or not for this API.',
      },
      { status: 401, headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"', ...NO_STORE } },
    );
  }
  return Response.json(
    {
      client_id: verified.clientId,
      scope: verified.scope,
      expires_at: new Date(verified.expiresAt * 1000).toISOString(),
    },
    { headers: NO_STORE },
  );
}
