// POST /api/oauth/introspect — token introspection (RFC 7662).
// In production server/instance.ts answers this path before Next.js routes it (same handler); this
// route serves it everywhere else, e.g. under `next dev`.
import { handleIntrospectionRequest } from '@/lib/oauth/introspection-endpoint';
import { oauthRoute } from '@/lib/http/oauth-route';

export const dynamic = 'force-dynamic';

export const POST = oauthRoute(handleIntrospectionRequest);
