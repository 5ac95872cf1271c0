/**
 * The words of every mail: subject, plain text and simple HTML, built from an event's type and data and the
 * portal's address. Pure: no I/O. A mail names a credential by its name and masked preview and never holds a
 * secret value, key material or a code. The one mail that carries something to keep is an invitation: its
 * link holds the single-use token, in the fragment (browsers never send it to a server).
 */
import Bowser from 'bowser';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import type { EventCredential, EventData } from '@/lib/events/catalogue';
import {
  type AccountEventData,
  ENDPOINT_DISABLED,
  type EndpointDisabledData,
  INVITATION_SENT,
  type InvitationSentData,
  isAccountEventType,
} from '@/lib/events/mail';
import { invitationLinkPath } from '@/lib/identity/invitation';

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailEvent {
  type: string;
  data: unknown;
  createdAt: Date;
}

/** What a mail says before it is rendered: a subject, paragraphs, the one link to act on, and why it was sent. */
interface Message {
  subject: string;
  paragraphs: string[];
  link: { label: string; path: string };
  why: string;
}

const KIND_OF: Record<EventCredential['kind'], keyof typeof KIND_WORDS> = {
  secret: 'SECRET',
  public_key: 'PUBLIC_KEY',
  workload: 'WORKLOAD',
};

/** "Dec 14, 2026, 09:00 UTC": one zone for every reader, as the audit log shows. */
export function formatInstant(at: Date | string): string {
  const date = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(date.getTime())) return 'an unknown time';
  const text = new Intl.DateTimeFormat('en-US', {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
  return `${text} UTC`;
}

/** "Secret 3" when the name already says its kind (the default names do), else "Secret “Production”". */
export function credentialTitle(credential: Pick<EventCredential, 'kind' | 'name'>): string {
  const label = KIND_WORDS[KIND_OF[credential.kind] ?? 'SECRET'].label;
  return credential.name.toLowerCase().startsWith(label.toLowerCase())
    ? credential.name
    : `${label} “${credential.name}”`;
}

/** "Chrome on Linux", or the program's first word, or "an unknown browser". */
function describeBrowser(userAgent: string | null | undefined): string {
  if (!userAgent) return 'an unknown browser';
  const { browser, os } = Bowser.parse(userAgent);
  if (browser.name && os.name) return `${browser.name} on ${os.name}`;
  return browser.name || os.name || userAgent.trim().split(/\s+/)[0]?.slice(0, 40) || 'an unknown browser';
}

function fromWhere(data: { address?: string | null; user_agent?: string | null }): string {
  const browser = describeBrowser(data.user_agent);
  return data.address ? `${browser}, address ${data.address}` : browser;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

const ADMIN_WHY =
  'You get this email as an admin of the organization. Choose which of these emails you get under “Email me about” on the Security page.';
const ACCOUNT_WHY = 'This email is about your own account; it is always sent.';
const IF_NOT_YOU =
  'If this was not you, change your password and choose “Sign out everywhere” on the Security page now.';

function credentialMessage(type: string, data: EventData, at: Date): Message | null {
  const credential = data.credential;
  if (!credential) return null;
  const title = credentialTitle(credential);
  const link = { label: `Open ${credential.name}`, path: `/credentials/${encodeURIComponent(credential.id)}` };
  const seen = `(${credential.preview})`;
  switch (type) {
    case 'credential.expiring': {
      const days = data.days ?? 0;
      const when = data.stops_at ? formatInstant(data.stops_at) : 'soon';
      const cause =
        data.stops_because === 'roll_grace_period' ? 'when the grace period of its roll ends' : 'when it expires';
      return {
        subject: `${title} stops working in ${plural(days, 'day')} (${when})`,
        paragraphs: [
          `${title} ${seen} stops working in ${plural(days, 'day')}, on ${when}, ${cause}. From then on every token request with it is refused.`,
          data.stops_because === 'roll_grace_period'
            ? 'Make sure every service that used it now uses its replacement.'
            : 'Add a replacement, put it wherever this one is used, and activate it before then; or set a later expiry.',
        ],
        link,
        why: ADMIN_WHY,
      };
    }
    case 'credential.expired':
      return {
        subject: `${title} expired`,
        paragraphs: [
          `${title} ${seen} reached its expiry${credential.expires_at ? ` on ${formatInstant(credential.expires_at)}` : ''}. Every token request with it is refused from now on.`,
          'If something still uses it, give it a replacement credential.',
        ],
        link,
        why: ADMIN_WHY,
      };
    case 'credential.leaked':
      return {
        subject: `${title} was reported leaked and has been deactivated`,
        paragraphs: [
          `On ${formatInstant(at)}, ${title} ${seen} was reported leaked${data.address ? ` from address ${data.address}` : ''}. It was deactivated at once and the access tokens it obtained were revoked.`,
          'Make a new secret, put it wherever the old one was used, and find out how it leaked.',
        ],
        link,
        why: ADMIN_WHY,
      };
    case 'credential.decoy_triggered':
      return {
        subject: `A decoy was used: ${title}`,
        paragraphs: [
          `On ${formatInstant(at)}, someone tried to obtain a token with the decoy ${credential.name} ${seen} from ${fromWhere(data)}. No token was issued.`,
          'Nobody should hold a decoy: find where it was copied from (a repository, a log, a laptop) and treat what else was there as exposed.',
        ],
        link,
        why: ADMIN_WHY,
      };
    case 'credential.new_caller':
      return {
        subject: `${title} was used from a new address${data.address ? ` (${data.address})` : ''}`,
        paragraphs: [
          `On ${formatInstant(at)}, ${title} ${seen} obtained a token from ${fromWhere(data)}, an address it had not been used from in the last 30 days.`,
          'If you do not recognise it, deactivate the credential and replace it.',
        ],
        link,
        why: ADMIN_WHY,
      };
    default:
      return null;
  }
}

function endpointMessage(data: EndpointDisabledData): Message | null {
  if (!data.endpoint) return null;
  return {
    subject: `Webhook endpoint disabled: ${data.endpoint.url}`,
    paragraphs: [
      `Every attempt to deliver events to ${data.endpoint.url} failed for 5 days${data.failing_since ? `, since ${formatInstant(data.failing_since)}` : ''}, so the endpoint was disabled. No events are sent to it until it is enabled again.`,
      'Check that the receiver is up and answers with a 2xx status, then enable the endpoint and resend what it missed.',
    ],
    link: { label: 'Open the endpoint', path: `/webhooks/${encodeURIComponent(data.endpoint.id)}` },
    why: ADMIN_WHY,
  };
}

function accountMessage(type: string, data: AccountEventData, at: Date): Message | null {
  const when = formatInstant(at);
  const link = { label: 'Review your security settings', path: '/security' };
  const factor = data.method === 'passkey' ? `the passkey “${data.name ?? 'Passkey'}”` : 'an authenticator app';
  const paragraphs = (first: string, then = IF_NOT_YOU) => [first, then];
  switch (type) {
    case 'account.new_browser':
      return {
        subject: `New sign-in to your account from ${describeBrowser(data.user_agent)}`,
        paragraphs: paragraphs(
          `Your account was signed in to on ${when} from a browser it had not been used from before: ${fromWhere(data)}.`,
          `If this was you, there is nothing to do. ${IF_NOT_YOU}`,
        ),
        link,
        why: ACCOUNT_WHY,
      };
    case 'account.password_changed':
      return {
        subject: 'Your password was changed',
        paragraphs: paragraphs(
          `The password of your account was changed on ${when} from ${fromWhere(data)}. Your other sessions were signed out.`,
          'If this was not you, contact your organization’s admin or support at once: someone else may hold your account.',
        ),
        link,
        why: ACCOUNT_WHY,
      };
    case 'account.factor_added':
      return {
        subject: 'A two-factor method was added to your account',
        paragraphs: paragraphs(`On ${when}, ${factor} was added to your account from ${fromWhere(data)}.`),
        link,
        why: ACCOUNT_WHY,
      };
    case 'account.factor_removed':
      return {
        subject: 'A two-factor method was removed from your account',
        paragraphs: paragraphs(`On ${when}, ${factor} was removed from your account from ${fromWhere(data)}.`),
        link,
        why: ACCOUNT_WHY,
      };
    case 'account.recovery_code_used': {
      const left = data.remaining;
      return {
        subject: 'A recovery code was used to sign in to your account',
        paragraphs: paragraphs(
          `On ${when}, a recovery code was used to sign in to your account from ${fromWhere(data)}.${left === undefined ? '' : ` ${plural(left, 'unused code')} ${left === 1 ? 'is' : 'are'} left.`}`,
          `${IF_NOT_YOU} Either way, consider making new recovery codes.`,
        ),
        link,
        why: ACCOUNT_WHY,
      };
    }
    case 'account.signed_out_everywhere':
      return {
        subject: 'Your account was signed out everywhere',
        paragraphs: paragraphs(
          `On ${when}, “Sign out everywhere” ended ${data.sessions === undefined ? 'every session' : plural(data.sessions, 'session')} of your account, from ${fromWhere(data)}.`,
        ),
        link,
        why: ACCOUNT_WHY,
      };
    default:
      return null;
  }
}

/**
 * The invitation's mail. `token` is the opened token (the caller opens `token_sealed`); without it there is no
 * link to send, so no mail.
 */
function invitationMessage(data: Partial<InvitationSentData> & { token?: string }): Message | null {
  if (!data.token || !data.organization_name || !data.email) return null;
  const role = data.role === 'ADMIN' ? 'an admin' : 'a viewer';
  const until = data.expires_at ? formatInstant(data.expires_at) : 'seven days from now';
  return {
    subject: `${data.inviter_name ?? 'An admin'} invited you to ${data.organization_name}`,
    paragraphs: [
      `${data.inviter_name ?? 'An admin'} invited you (${data.email}) to join ${data.organization_name} on the credentials console as ${role}.`,
      `The link below works once, until ${until}. If you already have an account with this email, you sign in with it; otherwise you choose your name and a password.`,
    ],
    link: { label: 'Accept the invitation', path: invitationLinkPath(data.token) },
    why: 'You get this email because an admin of the organization entered your address. If you did not expect it, ignore it: nothing happens unless the link is used.',
  };
}

function messageOf(event: MailEvent): Message | null {
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (isAccountEventType(event.type)) return accountMessage(event.type, data as AccountEventData, event.createdAt);
  if (event.type === ENDPOINT_DISABLED) return endpointMessage(data as unknown as EndpointDisabledData);
  if (event.type === INVITATION_SENT) return invitationMessage(data as Partial<InvitationSentData>);
  return credentialMessage(event.type, data as EventData, event.createdAt);
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/** A subject is one line: a name with a line break in it must not add a header. */
function oneLine(text: string): string {
  let line = '';
  for (const char of text) line += char < ' ' || char === '\u007f' ? ' ' : char;
  return line.replace(/ {2,}/g, ' ').slice(0, 200);
}

/**
 * The mail for an event, or null for a type that is not emailed (or data too incomplete to say anything
 * true). `portal` is the portal's public address without a trailing slash.
 */
export function composeMail(event: MailEvent, options: { portal: string; name?: string | null }): ComposedMail | null {
  const message = messageOf(event);
  if (!message) return null;
  const url = `${options.portal}${message.link.path}`;
  const greeting = options.name ? `Hello ${options.name},` : 'Hello,';
  const text = [greeting, ...message.paragraphs, `${message.link.label}: ${url}`, '—', message.why].join('\n\n');
  const paragraph = (content: string) => `<p style="margin:0 0 16px">${content}</p>`;
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>',
    '<body style="margin:0;padding:24px;background:#f8fafc;color:#0f172a;font:15px/1.5 -apple-system,BlinkMacSystemFont,\'Segoe UI\',Roboto,Helvetica,Arial,sans-serif">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px;border:1px solid #e2e8f0">',
    paragraph(escapeHtml(greeting)),
    ...message.paragraphs.map((line) => paragraph(escapeHtml(line))),
    paragraph(
      `<a href="${escapeHtml(url)}" style="display:inline-block;background:#4f46e5;color:#ffffff;text-decoration:none;padding:8px 16px;border-radius:6px;font-weight:600">${escapeHtml(message.link.label)}</a>`,
    ),
    `<p style="margin:24px 0 0;color:#475569;font-size:13px">${escapeHtml(message.why)}</p>`,
    '</div></body></html>',
  ].join('\n');
  return { subject: oneLine(message.subject), text, html };
}
