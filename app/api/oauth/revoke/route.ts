// POST /api/oauth/revoke — token revocation (RFC 7009).
// In production server/instance.ts answers this path before Next.js routes it (same handler); this
// route serves it everywhere else, e.g. under `next dev`.
import { handleRevocationRequest } from '@/lib/oauth/revocation-endpoint';
import { oauthRoute } from '@/lib/http/oauth-route';

export const dynamic = 'force-dynamic';

export const POST = oauthRoute(handleRevocationRequest);
