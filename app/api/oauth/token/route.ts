// POST /api/oauth/token — client-credentials grant (RFC 6749 §4.4) and token exchange (RFC 8693).
// In production server/instance.ts answers this path before Next.js routes it (same handler); this
// route serves it everywhere else, e.g. under `next dev`.
import { handleTokenRequest } from '@/lib/oauth/token-endpoint';
import { oauthRoute } from '@/lib/http/oauth-route';

export const dynamic = 'force-dynamic';

export const POST = oauthRoute(handleTokenRequest);
