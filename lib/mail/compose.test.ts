import { describe, expect, it } from 'vitest';
import { ACCOUNT_EVENT_TYPES, MAIL_CATEGORIES, MAIL_CATEGORY_LABELS } from '@/lib/events/mail';
import { composeMail, credentialTitle, escapeHtml, formatInstant } from './compose';

const portal = 'https://portal.example.com';
const at = new Date('2026-12-07T09:00:00Z');
const credential = {
  id: '6f1c1d43-35a4-4fb8-9d7f-1b1e4c1f2a11',
  name: 'Secret 3',
  kind: 'secret' as const,
  preview: 'uqs_…x7Qa',
  status: 'active' as const,
  scopes: ['read'],
  expires_at: '2026-12-14T09:00:00.000Z',
};
const organization_id = '0b9f0d53-4a5e-4b53-a0a5-2a8d2f6f4c11';

/** One sample event of every emailed type, with a secret-looking value planted where none may appear. */
const SAMPLES: Record<string, object> = {
  'credential.expiring': {
    organization_id,
    credential,
    stops_at: '2026-12-14T09:00:00.000Z',
    stops_because: 'expiry',
    days: 7,
  },
  'credential.expired': { organization_id, credential },
  'credential.leaked': { organization_id, credential, address: '203.0.113.7' },
  'credential.decoy_triggered': { organization_id, credential, address: '203.0.113.8', user_agent: 'curl/8.4.0' },
  'credential.new_caller': {
    organization_id,
    credential,
    address: '203.0.113.9',
    user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0 Safari/537.36',
  },
  'webhook.endpoint_disabled': {
    organization_id,
    endpoint: { id: '9d0c6c1e-7a43-4d1b-8f6e-0b3c0e2a5b77', url: 'https://hooks.example.com/in' },
  },
  'account.new_browser': {
    address: '198.51.100.20',
    user_agent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15',
  },
  'account.password_changed': { address: '198.51.100.20', user_agent: null },
  'account.factor_added': { address: '198.51.100.20', method: 'passkey', name: 'YubiKey' },
  'account.factor_removed': { address: '198.51.100.20', method: 'totp', name: 'Authenticator app' },
  'account.recovery_code_used': { address: '198.51.100.20', remaining: 1 },
  'account.signed_out_everywhere': { address: '198.51.100.20', sessions: 3 },
};

const compose = (type: string, data: object = SAMPLES[type]!) =>
  composeMail({ type, data, createdAt: at }, { portal, name: 'Ada' });

describe('composeMail', () => {
  it('has words for every category an admin can choose and every account event', () => {
    for (const type of [...MAIL_CATEGORIES, ...ACCOUNT_EVENT_TYPES]) {
      const mail = compose(type);
      expect(mail, type).not.toBeNull();
      expect(mail!.subject.length, type).toBeGreaterThan(10);
      expect(mail!.text, type).toMatch(/^Hello Ada,\n\n/);
      expect(mail!.html, type).toContain('<!doctype html>');
    }
    for (const category of MAIL_CATEGORIES) expect(MAIL_CATEGORY_LABELS[category], category).toBeDefined();
  });

  it('says when a credential stops working, in UTC, and links to it', () => {
    const mail = compose('credential.expiring')!;
    expect(mail.subject).toBe('Secret 3 stops working in 7 days (Dec 14, 2026, 09:00 UTC)');
    expect(mail.text).toContain(
      'Secret 3 (uqs_…x7Qa) stops working in 7 days, on Dec 14, 2026, 09:00 UTC, when it expires.',
    );
    expect(mail.text).toContain(`Open Secret 3: ${portal}/credentials/${credential.id}`);
    expect(mail.html).toContain(`href="${portal}/credentials/${credential.id}"`);
  });

  it('names the end of a roll’s grace period as the cause, and one day in the singular', () => {
    const mail = compose('credential.expiring', {
      ...SAMPLES['credential.expiring'],
      stops_because: 'roll_grace_period',
      days: 1,
    })!;
    expect(mail.subject).toBe('Secret 3 stops working in 1 day (Dec 14, 2026, 09:00 UTC)');
    expect(mail.text).toContain('when the grace period of its roll ends');
  });

  it('links each kind of event to the page concerned', () => {
    expect(compose('webhook.endpoint_disabled')!.text).toContain(
      `${portal}/webhooks/9d0c6c1e-7a43-4d1b-8f6e-0b3c0e2a5b77`,
    );
    for (const type of ACCOUNT_EVENT_TYPES) expect(compose(type)!.text, type).toContain(`${portal}/security`);
  });

  it('describes the browser and address of a sign-in and tells what to do if it was not you', () => {
    const mail = compose('account.new_browser')!;
    expect(mail.subject).toBe('New sign-in to your account from Safari on macOS');
    expect(mail.text).toContain('Safari on macOS, address 198.51.100.20');
    expect(mail.text).toContain('“Sign out everywhere”');
  });

  it('names a credential of another kind by its kind, and quotes a name that does not say it', () => {
    expect(credentialTitle({ kind: 'public_key', name: 'Billing' })).toBe('Public key “Billing”');
    expect(credentialTitle({ kind: 'secret', name: 'secret for CI' })).toBe('secret for CI');
  });

  it('escapes every value in the HTML, and keeps the subject on one line', () => {
    const hostile = { ...credential, name: '<img src=x onerror=alert(1)>\r\nBcc: eve@example.com' };
    const mail = compose('credential.leaked', { ...SAMPLES['credential.leaked'], credential: hostile })!;
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
  });

  it('never carries a secret value, key material or a code, even when the data holds one', () => {
    const planted = 'uqs_live_SECRETVALUE1234567890';
    for (const type of [...MAIL_CATEGORIES, ...ACCOUNT_EVENT_TYPES]) {
      const mail = compose(type, { ...SAMPLES[type], secret: planted, code: planted, private_key: planted })!;
      expect(`${mail.subject}${mail.text}${mail.html}`, type).not.toContain(planted);
    }
  });

  it('makes no mail for types that are not emailed, or data too thin to say anything true', () => {
    expect(compose('credential.created', { organization_id, credential })).toBeNull();
    expect(compose('webhook.test', { organization_id })).toBeNull();
    expect(compose('credential.leaked', { organization_id })).toBeNull();
  });

  it('formats instants in UTC', () => {
    expect(formatInstant('2026-01-02T03:04:00Z')).toBe('Jan 2, 2026, 03:04 UTC');
  });
});
