import { fetchJson, RemoteFetchError } from '@/lib/oauth/remote-fetch';

const USABLE = new Set(['EC', 'OKP', 'RSA']);

/**
 * One trial fetch of a JWKS URL as the token endpoint will fetch it, for the admin who just added it: null
 * when it answers with at least one public signing key, else what is wrong, in words. The key is added either
 * way (the customer may publish its keys later); this only saves a rotation test from failing for a typo.
 */
export async function jwksUrlProblem(url: string): Promise<string | null> {
  let document: unknown;
  try {
    document = await fetchJson(url);
  } catch (error) {
    return error instanceof RemoteFetchError ? error.message : 'the URL could not be fetched.';
  }
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) return 'the document at the URL has no "keys" array.';
  const usable = keys.filter(
    (key) =>
      typeof key === 'object' &&
      key !== null &&
      USABLE.has((key as { kty?: unknown }).kty as string) &&
      !('d' in key) &&
      (key as { use?: unknown }).use !== 'enc',
  );
  return usable.length > 0 ? null : 'the key set at the URL holds no public signing key yet.';
}
