// GET /api/openapi.json — OpenAPI 3.1 description of the authorization API.
import { openApiDocument } from '@/lib/oauth/openapi';

export const dynamic = 'force-dynamic';

export function GET(): Response {
  return Response.json(openApiDocument(), { headers: { 'Cache-Control': 'public, max-age=300' } });
}
