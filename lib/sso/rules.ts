/**
 * The rules of single sign-on that need no I/O: which email domains a connection may cover, which
 * organization an email belongs to, and what an identity provider's verified ID token must say before its
 * person may sign in. lib/data/sso.ts and lib/auth/sso.ts apply them; the tests beside this file prove them.
 */

/** More than this many domains on one connection is a typo, not a company. */
export const MAX_SSO_DOMAINS = 20;

// A DNS name of at least two labels (RFC 1035 letters, digits, hyphens; no leading or trailing hyphen).
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export type DomainsCheck = { ok: true; domains: string[] } | { ok: false; message: string };

/**
 * The domains an admin typed (separated by commas, spaces or lines), lower-cased and without repeats. Each
 * must be a plain domain name: no "@", no wildcard, no scheme; a subdomain is its own entry, because another
 * party may run mail for it.
 */
export function parseDomains(text: string): DomainsCheck {
  const entries = text
    .split(/[\s,;]+/)
    .map((entry) => entry.trim().toLowerCase().replace(/^@/, ''))
    .filter(Boolean);
  const domains = [...new Set(entries)];
  if (domains.length === 0) return { ok: false, message: 'Enter at least one email domain, such as example.com.' };
  if (domains.length > MAX_SSO_DOMAINS) return { ok: false, message: `Enter at most ${MAX_SSO_DOMAINS} domains.` };
  const bad = domains.find((domain) => !DOMAIN.test(domain));
  if (bad) return { ok: false, message: `“${bad.slice(0, 80)}” is not a domain name. Enter domains like example.com.` };
  return { ok: true, domains };
}

/** The domain of an email address, lower-cased; null when the text is not an address with one "@". */
export function emailDomain(email: string): string | null {
  const trimmed = email.trim().toLowerCase();
  const at = trimmed.indexOf('@');
  if (at <= 0 || at !== trimmed.lastIndexOf('@')) return null;
  const domain = trimmed.slice(at + 1);
  return DOMAIN.test(domain) ? domain : null;
}

/** Whether a connection covering `domains` speaks for this email: its exact domain, never a parent's. */
export function coversEmail(domains: readonly string[], email: string): boolean {
  const domain = emailDomain(email);
  return domain !== null && domains.includes(domain);
}

/** Why a signature-checked ID token's person may not sign in; each has a message on the sign-in page. */
export type ClaimsRefusal = 'no_email' | 'unverified_email' | 'foreign_domain';

export type ClaimsCheck = { ok: true; email: string; name: string } | { ok: false; reason: ClaimsRefusal };

/**
 * What the ID token (its issuer, audience, nonce, expiry and signature already checked) must say: an email,
 * that the identity provider verified it (`email_verified` exactly true: an unverified address proves
 * nothing about who holds the mailbox), in one of the connection's domains (an identity provider speaks for
 * its own domains only, never for another organization's people).
 */
export function checkIdentityClaims(claims: Record<string, unknown>, domains: readonly string[]): ClaimsCheck {
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email || emailDomain(email) === null) return { ok: false, reason: 'no_email' };
  if (claims.email_verified !== true) return { ok: false, reason: 'unverified_email' };
  if (!coversEmail(domains, email)) return { ok: false, reason: 'foreign_domain' };
  return { ok: true, email, name: displayName(claims, email) };
}

/** The person's name for a new account: the token's name, else given and family names, else the email's local part. */
export function displayName(claims: Record<string, unknown>, email: string): string {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '');
  const full = text(claims.name) || [text(claims.given_name), text(claims.family_name)].filter(Boolean).join(' ');
  return (full || email.slice(0, email.indexOf('@'))).slice(0, 200);
}

/** Every way a single sign-on can end without a session, as the sign-in page's `sso_error` names it. */
export const SSO_ERRORS = {
  no_connection: 'Single sign-on is not set up for this email’s domain. Sign in with your email and password.',
  expired: 'Your single sign-on took too long or was already used. Start again.',
  refused: 'The identity provider’s answer could not be verified, so you were not signed in. Start again.',
  idp_error: 'The identity provider did not sign you in. Start again, or ask your administrator.',
  unreachable: 'The identity provider could not be reached. Try again in a moment.',
  unavailable: 'We can’t reach the service right now, so your sign-in could not be completed. Try again in a moment.',
  no_email: 'The identity provider did not share your email address, so you were not signed in.',
  unverified_email: 'The identity provider has not verified your email address, so you were not signed in.',
  foreign_domain: 'Your email address is not in a domain this organization’s single sign-on covers.',
  no_account: 'You have no account in this organization. Ask one of its administrators to invite you.',
  not_member:
    'Your account is not a member of the organization that signs in with this domain. Ask one of its administrators to add you.',
} as const;

/** The password step's answer to a member of an organization that requires single sign-on. */
export const SSO_REQUIRED_MESSAGE =
  'Your organization requires single sign-on. Choose “Continue with single sign-on” to sign in.';

export type SsoError = keyof typeof SSO_ERRORS;

/** The message for an `sso_error` value; null for anything else (the page never shows text from the URL). */
export function ssoErrorMessage(code: string | undefined): string | null {
  return code && Object.hasOwn(SSO_ERRORS, code) ? SSO_ERRORS[code as SsoError] : null;
}
