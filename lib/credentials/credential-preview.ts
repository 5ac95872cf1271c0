/**
 * What the credentials list shows in place of a value nobody holds: a public key's algorithm and shortened
 * kid, a JWKS URL's host and path, a workload's subject pattern. Stored as the row's `preview`, so the list,
 * the audit trail and the support console all show the same text.
 */

const PREVIEW_LENGTH = 40;

/** Keeps short text whole; otherwise its first and last characters around an ellipsis. */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = Math.ceil((max - 1) / 2);
  return `${chars.slice(0, head).join('')}…${chars.slice(chars.length - (max - 1 - head)).join('')}`;
}

/** A pasted key: "ES256 · 3f9a1b…9e0c21b". */
export function previewPublicKey(jwk: { alg: string; kid: string }): string {
  return `${jwk.alg} · ${shorten(jwk.kid, 13)}`;
}

/** A JWKS URL: its host and path, without the scheme. */
export function previewJwksUrl(url: string): string {
  const parsed = new URL(url);
  return shorten(`${parsed.host}${parsed.pathname === '/' ? '' : parsed.pathname}`, PREVIEW_LENGTH);
}

/** A trusted workload: its subject pattern. */
export function previewWorkload(subject: string): string {
  return shorten(subject, PREVIEW_LENGTH);
}
