// GET /api/auth/sso/callback — the identity provider sends the person back here (the redirect URI).
import { finishSso } from '@/lib/auth/sso';
import { secure } from '@/lib/auth/sign-in-http';
import {
  SSO_BROWSER_COOKIE,
  browserCookie,
  newBrowserToken,
  readBrowserToken,
  readCookie,
  signInCookie,
  ssoBrowserCookie,
} from '@/lib/auth/sign-in-cookie';
import { clientAddress } from '@/lib/http/client-address';
import { failedForDatabase } from '@/lib/db/availability';

/**
 * Always back to the sign-in page, never with a secret in the address: on success the pending sign-in's
 * cookie is set and the page finishes it (the second factor first when one is needed), exactly as after a
 * right password; on refusal the page shows the message its `sso_error` code names, and there is no session.
 */
function toSignInPage(search: Record<string, string>, cookies: string[]): Response {
  const headers = new Headers({ location: `/sign-in?${new URLSearchParams(search)}`, 'cache-control': 'no-store' });
  for (const cookie of [ssoBrowserCookie(null, secure()), ...cookies]) headers.append('set-cookie', cookie);
  return new Response(null, { status: 303, headers });
}

export async function GET(request: Request) {
  const header = request.headers.get('cookie');
  const startedAt = Date.now();
  try {
    const result = await finishSso({
      query: new URL(request.url).searchParams,
      browserToken: readCookie(header, SSO_BROWSER_COOKIE),
      context: { address: clientAddress(request), userAgent: request.headers.get('user-agent') },
    });
    if (result.status === 'refused') return toSignInPage({ sso_error: result.error }, []);
    const cookies = [
      signInCookie(result.token, secure()),
      browserCookie(readBrowserToken(header) ?? newBrowserToken(), secure()),
    ];
    // The sign-in page checks callbackUrl again, as for any link to it.
    const callbackUrl = result.returnPath;
    if (result.status === 'verified') return toSignInPage({ sso: 'verified', callbackUrl }, cookies);
    const methods = Object.entries(result.methods)
      .filter(([, available]) => available)
      .map(([method]) => method);
    return toSignInPage({ sso: 'second_factor', methods: methods.join(','), callbackUrl }, cookies);
  } catch (error) {
    if (failedForDatabase(error, startedAt)) return toSignInPage({ sso_error: 'unavailable' }, []);
    throw error;
  }
}
