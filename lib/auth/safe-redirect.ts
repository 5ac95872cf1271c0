const FALLBACK = '/credentials';

// Backslashes (browsers read `/\x` as `//x`), C0/C1 controls, DEL and any Unicode whitespace: browsers
// strip or reinterpret them, so a value holding one may mean something else to the browser than to us.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is what this is for.
const FORBIDDEN = /[\\\u0000-\u001F\u007F-\u009F\s\u200B-\u200D\u2060\uFEFF]/u;

/** The value and every layer of percent-decoding of it; null when it is encoded more than three deep. */
function decodedLayers(value: string): string[] | null {
  const layers = [value];
  // Three layers cover double-encoding by a proxy plus the browser's own; more than that is refused.
  for (let i = 0; i < 3; i++) {
    let next: string;
    try {
      next = decodeURIComponent(layers.at(-1)!);
    } catch {
      // A stray `%` stays literal for browsers and URL parsers alike: nothing further to decode.
      return layers;
    }
    if (next === layers.at(-1)) return layers;
    layers.push(next);
  }
  return null;
}

// A local path: one slash, then not a second slash (protocol-relative) once decoded.
function isLocalPath(value: string): boolean {
  return value.startsWith('/') && !value.startsWith('//') && !FORBIDDEN.test(value);
}

/**
 * Where to send the browser after sign-in: the path (with query and fragment) of `value` when it is a
 * plain path on the portal itself, otherwise '/credentials'. Absolute URLs are refused whatever their
 * origin, so no scheme, host or port ever comes from the request; every decoding of the value must
 * still be a local path, and so must the URL it resolves to.
 */
export function safeCallbackPath(value: string | null | undefined, portalOrigin: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return FALLBACK;
  const layers = decodedLayers(value);
  if (!layers?.every(isLocalPath)) return FALLBACK;
  let origin: string;
  let resolved: URL;
  try {
    origin = new URL(portalOrigin).origin;
    resolved = new URL(value, origin);
  } catch {
    return FALLBACK;
  }
  if (resolved.origin !== origin) return FALLBACK;
  const path = `${resolved.pathname}${resolved.search}${resolved.hash}`;
  // Dot segments can collapse into a protocol-relative path (`/.//x` resolves to `//x`).
  return isLocalPath(path) ? path : FALLBACK;
}
