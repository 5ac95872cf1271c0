import { describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS, describeAuditEvent } from './audit-text';

describe('describeAuditEvent', () => {
  it('has nothing to add for an event without details or reason', () => {
    expect(describeAuditEvent({ action: 'created', details: null })).toBeNull();
    expect(describeAuditEvent({ action: 'something_new', details: { a: 1 } })).toBeNull();
  });

  it('describes a rename, an expiry and allowed addresses', () => {
    expect(describeAuditEvent({ action: 'renamed', details: { from: 'Secret 1', to: 'Production' } })).toBe(
      '“Secret 1” → “Production”',
    );
    expect(describeAuditEvent({ action: 'expiry_set', details: { expiresAt: '2026-06-16T00:00:00.000Z' } })).toBe(
      'Expires Tue, 16 Jun 2026 00:00:00 GMT',
    );
    expect(describeAuditEvent({ action: 'expiry_set', details: { expiresAt: null } })).toBe('No expiry');
    expect(describeAuditEvent({ action: 'allowlist_set', details: { to: ['203.0.113.0/24', '2001:db8::/32'] } })).toBe(
      '203.0.113.0/24, 2001:db8::/32',
    );
    expect(describeAuditEvent({ action: 'allowlist_set', details: { to: [] } })).toBe('Any address');
  });

  it('describes a roll with the old preview, the replacement and when the old one stops', () => {
    expect(
      describeAuditEvent({
        action: 'rolled',
        credentialPreview: 'uqs_…a1b2',
        details: { replacement: 'uqs_…c3d4', deactivateAt: '2026-03-02T12:00:00.000Z' },
      }),
    ).toBe('uqs_…a1b2 replaced by uqs_…c3d4; stops Mon, 02 Mar 2026 12:00:00 GMT');
    expect(
      describeAuditEvent({
        action: 'rolled',
        details: { replacement: 'uqs_…c3d4', deactivateAt: '2026-03-02T12:00:00.000Z' },
      }),
    ).toMatch(/^Secret replaced by/);
  });

  it('names both secrets of a roll, by name and preview', () => {
    expect(
      describeAuditEvent({
        action: 'rolled',
        credentialName: 'Payments',
        credentialPreview: 'uqs_…a1b2',
        details: {
          replacement: 'uqs_…c3d4',
          replacementName: 'Payments (rolled)',
          deactivateAt: '2026-03-02T12:00:00.000Z',
        },
      }),
    ).toBe('“Payments” uqs_…a1b2 replaced by “Payments (rolled)” uqs_…c3d4; stops Mon, 02 Mar 2026 12:00:00 GMT');
  });

  it('joins every part of a deactivation, with the reason last', () => {
    expect(describeAuditEvent({ action: 'deactivated', details: { scheduled: true } })).toBe(
      'At the end of its roll grace period',
    );
    expect(
      describeAuditEvent({ action: 'deactivated', details: { revokedTokens: 3 }, reason: 'Leaked in a forum' }),
    ).toBe('Its unexpired access tokens were revoked too · Reason: Leaked in a forum');
    expect(describeAuditEvent({ action: 'deactivated', details: {} })).toBeNull();
  });

  it('describes account-security events', () => {
    expect(describeAuditEvent({ action: 'factor_enrolled', details: { method: 'passkey', name: 'Work laptop' } })).toBe(
      'Passkey “Work laptop”',
    );
    expect(describeAuditEvent({ action: 'factor_removed', details: { method: 'totp' } })).toBe('Authenticator app');
    expect(describeAuditEvent({ action: 'recovery_code_used', details: { remaining: 9 } })).toBe('9 left');
    expect(describeAuditEvent({ action: 'recovery_code_used', details: {} })).toBeNull();
    expect(describeAuditEvent({ action: 'two_factor_policy_changed', details: { required: true } })).toBe(
      'Required for admins',
    );
    expect(describeAuditEvent({ action: 'two_factor_policy_changed', details: { required: false } })).toBe(
      'No longer required for admins',
    );
  });

  it('describes single sign-on: its settings without the secret, and a sign-in through it', () => {
    expect(
      describeAuditEvent({
        action: 'sso_settings_changed',
        details: {
          issuer: 'https://login.example.com',
          domains: ['example.com', 'example.org'],
          clientSecretChanged: true,
          createAccounts: true,
          idpSatisfiesTwoFactor: false,
          requireSso: true,
        },
      }),
    ).toBe(
      'Issuer https://login.example.com · domains example.com, example.org · client secret changed · creates accounts as Viewers · required',
    );
    expect(describeAuditEvent({ action: 'sign_in_succeeded', details: { method: 'sso' } })).toBe(
      'Through single sign-on',
    );
    expect(describeAuditEvent({ action: 'sign_in_succeeded', details: { method: 'password' } })).toBeNull();
  });

  it('describes member changes by email and role', () => {
    const d = (action: string, details: object) => describeAuditEvent({ action, details });
    expect(d('member_invited', { email: 'ana@example.test', role: 'VIEWER' })).toBe('ana@example.test · Viewer');
    expect(d('member_role_changed', { email: 'ana@example.test', from: 'VIEWER', to: 'ADMIN' })).toBe(
      'ana@example.test · Viewer → Admin',
    );
    expect(d('member_removed', { email: 'ana@example.test', role: 'ADMIN', sessionsEnded: 2 })).toBe(
      'ana@example.test · Admin · 2 sessions ended',
    );
    expect(d('invitation_accepted', { email: 'ana@example.test', role: 'VIEWER', newAccount: true })).toBe(
      'ana@example.test · Viewer · new account',
    );
  });

  it('gives every action a label', () => {
    for (const [action, label] of Object.entries(AUDIT_ACTIONS)) expect(label, action).toMatch(/^[A-Z]/);
  });
});

describe('credential kinds and scopes', () => {
  it('says which kind was created, what identifies it and its scopes', () => {
    expect(describeAuditEvent({ action: 'created', details: { kind: 'SECRET', scopes: ['sdk', 'api'] } })).toBe(
      'Secret · scopes sdk, api',
    );
    expect(
      describeAuditEvent({
        action: 'created',
        details: { kind: 'PUBLIC_KEY', scopes: ['api'], alg: 'ES256', kid: 'k1' },
      }),
    ).toBe('Public key · ES256, kid k1 · scopes api');
    expect(
      describeAuditEvent({
        action: 'created',
        details: { kind: 'PUBLIC_KEY', scopes: ['sdk'], jwksUrl: 'https://keys.example/jwks.json' },
      }),
    ).toBe('Public key · JWKS URL https://keys.example/jwks.json · scopes sdk');
    expect(
      describeAuditEvent({
        action: 'created',
        details: {
          kind: 'WORKLOAD',
          scopes: ['api'],
          issuer: 'https://token.actions.githubusercontent.com',
          audience: 'portal',
          subject: 'repo:acme/payments:*',
        },
      }),
    ).toBe(
      'Trusted workload · issuer https://token.actions.githubusercontent.com, audience portal, subject repo:acme/payments:* · scopes api',
    );
  });

  it('describes a change of scopes from and to', () => {
    expect(AUDIT_ACTIONS.scopes_changed).toBe('Scopes changed');
    expect(describeAuditEvent({ action: 'scopes_changed', details: { from: ['sdk', 'api'], to: ['api'] } })).toBe(
      'sdk, api → api',
    );
  });

  it('describes webhook endpoint changes by URL, with the events added and when a rolled secret stops', () => {
    const url = 'https://hooks.acme.example/credentials';
    expect(AUDIT_ACTIONS.webhook_endpoint_added).toBe('Webhook endpoint added');
    expect(describeAuditEvent({ action: 'webhook_endpoint_added', details: { url, eventTypes: [] } })).toBe(
      `${url} · all events`,
    );
    expect(
      describeAuditEvent({
        action: 'webhook_endpoint_added',
        details: { url, eventTypes: ['credential.leaked', 'credential.expiring'] },
      }),
    ).toBe(`${url} · credential.leaked, credential.expiring`);
    expect(
      describeAuditEvent({
        action: 'webhook_secret_rolled',
        details: { url, previousSecretUntil: '2026-12-08T12:00:00.000Z' },
      }),
    ).toBe(`${url} · the previous secret signs until Tue, 08 Dec 2026 12:00:00 GMT`);
    expect(
      describeAuditEvent({
        action: 'webhook_endpoint_changed',
        details: { url: `${url}/v2`, from: url, eventTypes: ['credential.leaked'] },
      }),
    ).toBe(`${url} → ${url}/v2 · credential.leaked`);
    for (const action of ['webhook_endpoint_disabled', 'webhook_endpoint_enabled', 'webhook_endpoint_deleted']) {
      expect(AUDIT_ACTIONS[action]).toBeTruthy();
      expect(describeAuditEvent({ action, details: { url } })).toBe(url);
    }
  });
});
