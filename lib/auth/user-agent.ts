import Bowser from 'bowser';

/** "Chrome on Linux", "Chrome", "iOS", or null when the string names no browser or system bowser knows. */
function browserAndSystem(userAgent: string): string | null {
  const { browser, os } = Bowser.parse(userAgent);
  if (browser.name && os.name) return `${browser.name} on ${os.name}`;
  // bowser names what it does not know "", not undefined.
  return browser.name || os.name || null;
}

/** "Chrome on macOS" for a session list; the raw string stays available for the tooltip. */
export function describeUserAgent(userAgent: string | null): string {
  return (userAgent && browserAndSystem(userAgent)) || 'Unknown browser';
}

/**
 * The same for where an audited request came from, which may be a program rather than a browser (an SDK,
 * curl, a secret scanner): a program is named by the first word of its own string ("curl/8.4.0"), which
 * says more than "Unknown browser". The raw string stays available for the tooltip.
 */
export function describeClient(userAgent: string): string {
  const named = browserAndSystem(userAgent);
  if (named) return named;
  const first = userAgent.trim().split(/\s+/)[0] ?? '';
  if (!first) return 'Unknown browser';
  return first.length > 40 ? `${first.slice(0, 39)}…` : first;
}
