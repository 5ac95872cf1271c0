import { checkRemoteUrl } from '@/lib/credentials/remote-url';

/**
 * What a trusted workload is (RFC 8693 token exchange): an external OIDC issuer, the audience its tokens must
 * carry and a subject pattern (`*` matches any run of characters, anything else is literal). The token
 * endpoint compares them with the presented token's claims exactly, so they are stored as typed (trimmed):
 * "https://issuer.example" and "https://issuer.example/" are two different issuers.
 */

const MAX_WORKLOAD_ISSUER = 512;
const MAX_WORKLOAD_AUDIENCE = 256;
const MAX_WORKLOAD_SUBJECT = 256;

/** GitHub Actions, the most common workload: the hint and placeholder of the form. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITHUB_ACTIONS_SUBJECT_EXAMPLE = 'repo:acme/payments:ref:refs/heads/main';

export interface WorkloadInput {
  issuer: string;
  audience: string;
  subject: string;
}

export type WorkloadCheck =
  | { ok: true; workload: WorkloadInput }
  | { ok: false; fieldErrors: Partial<Record<keyof WorkloadInput, string>> };

const INVISIBLE = /[\p{Cc}\p{Cf}]/u;
/** Two non-empty parts, each closed by / or : (e.g. "repo:acme/"), before a pattern's first *. */
const OWNER_PREFIX = /^[^:/*]+[:/][^:/*]+[:/]/;

function checkIssuer(text: string, allowLoopbackHttp: boolean): string | null {
  if (!text) return 'Enter the issuer URL, e.g. https://token.actions.githubusercontent.com.';
  if (text.length > MAX_WORKLOAD_ISSUER) return `Use at most ${MAX_WORKLOAD_ISSUER} characters.`;
  if (/\s/.test(text)) return 'Remove the spaces from the URL.';
  const checked = checkRemoteUrl(text, { allowLoopbackHttp, example: GITHUB_ACTIONS_ISSUER });
  if (!checked.ok) return checked.message;
  // An OpenID issuer identifier has no query or fragment (OpenID Connect Discovery §2).
  if (checked.url.search) return 'Remove the ?query from the issuer URL.';
  return null;
}

function checkText(text: string, what: string, max: number): string | null {
  if (!text) return `Enter the ${what}.`;
  if ([...text].length > max) return `Use at most ${max} characters.`;
  if (INVISIBLE.test(text)) return `Remove control or invisible characters from the ${what}.`;
  return null;
}

function checkSubject(text: string): string | null {
  const basic = checkText(text, 'subject pattern', MAX_WORKLOAD_SUBJECT);
  if (basic) return basic;
  // An issuer's subjects belong to many parties (every GitHub repository shares one issuer), and * crosses
  // every separator: the text before the first * must name the owner completely, i.e. hold two parts each
  // closed by / or :. "repo:acme/*" is acme's; "repo:acme*" would also match repo:acme-evil/…, "repo:*" anyone.
  const star = text.indexOf('*');
  if (star >= 0 && !OWNER_PREFIX.test(text.slice(0, star)))
    return 'Keep the owner literal: put the first * after at least two parts that end in / or :, e.g. repo:acme/payments:* or repo:acme/*. Otherwise the pattern would match workloads you do not control.';
  return null;
}

/** Trims and checks a workload's three fields; each failure is reported next to its field. */
export function checkWorkload(
  input: WorkloadInput,
  { allowLoopbackHttp }: { allowLoopbackHttp: boolean },
): WorkloadCheck {
  const workload = {
    issuer: input.issuer.trim(),
    audience: input.audience.trim(),
    subject: input.subject.trim(),
  };
  const fieldErrors: Partial<Record<keyof WorkloadInput, string>> = {};
  const issuer = checkIssuer(workload.issuer, allowLoopbackHttp);
  if (issuer) fieldErrors.issuer = issuer;
  const audience = checkText(workload.audience, 'audience', MAX_WORKLOAD_AUDIENCE);
  if (audience) fieldErrors.audience = audience;
  const subject = checkSubject(workload.subject);
  if (subject) fieldErrors.subject = subject;
  return Object.keys(fieldErrors).length ? { ok: false, fieldErrors } : { ok: true, workload };
}
