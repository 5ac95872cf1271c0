import { describe, expect, it } from 'vitest';
import { catalogueSentence, dayText, explainRequest, type CredentialFacts, type ExplainedRequest } from './explain';
import { REASON_CATALOGUE, REFUSAL_REASONS } from './reasons';

const NOW = new Date('2026-12-07T12:00:00Z');
const AT = new Date('2026-12-05T09:30:00Z');

function credential(overrides: Partial<CredentialFacts> = {}): CredentialFacts {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    name: 'Payments',
    kind: 'SECRET',
    status: 'DISABLED',
    scopes: ['sdk'],
    allowedCidrs: [],
    createdAt: new Date('2026-11-01T08:00:00Z'),
    expiresAt: null,
    isDecoy: false,
    replacedBy: null,
    history: [],
    ...overrides,
  };
}

function request(overrides: Partial<ExplainedRequest> = {}): ExplainedRequest {
  return { reason: 'credential_disabled', scopes: [], address: '203.0.113.9', at: AT, ...overrides };
}

const entry = (action: string, at: string, more: Partial<CredentialFacts['history'][number]> = {}) => ({
  action,
  at: new Date(at),
  actorName: 'Ada Admin',
  actorRole: 'ADMIN',
  reason: null,
  details: {},
  ...more,
});

describe('explainRequest', () => {
  it('says nothing of a success', () => {
    expect(explainRequest(request({ reason: null }), credential(), NOW)).toBeNull();
  });

  it('says who deactivated a disabled credential and when, from the latest deactivation before the request', () => {
    const history = [
      entry('activated', '2026-11-02T08:00:00Z'),
      entry('deactivated', '2026-11-20T08:00:00Z', { actorName: 'Old Admin' }),
      entry('deactivated', '2026-12-03T15:00:00Z'),
      // After the request: not what refused it.
      entry('deactivated', '2026-12-06T15:00:00Z', { actorName: 'Later Admin' }),
    ];
    expect(explainRequest(request(), credential({ history }), NOW)).toBe(
      'This secret was deactivated on Dec 3 by Ada Admin. Activate it, or use an active one.',
    );
  });

  it('names platform support and its reason, and says to retry when the credential is active again', () => {
    const history = [
      entry('deactivated', '2026-12-03T15:00:00Z', {
        actorName: 'Sam',
        actorRole: 'SUPPORT',
        reason: 'Posted publicly',
        details: { emergency: true },
      }),
    ];
    expect(explainRequest(request(), credential({ history, status: 'ACTIVE' }), NOW)).toBe(
      'This secret was deactivated on Dec 3 by Sam of platform support (“Posted publicly”). It is active again: retry the request.',
    );
  });

  it('tells a credential never activated from one deactivated, and a leaked one from both', () => {
    expect(explainRequest(request(), credential({ kind: 'PUBLIC_KEY' }), NOW)).toBe(
      'This public key was added on Nov 1 and has not been activated. Activate it, or use an active one.',
    );
    const leaked = [entry('reported_leaked', '2026-12-04T10:00:00Z', { actorName: 'Secret reporter' })];
    expect(explainRequest(request(), credential({ history: leaked }), NOW)).toBe(
      'This secret was deactivated on Dec 4 after it was reported leaked. Use another secret: one reported leaked should not be activated again.',
    );
  });

  it('names the refused scopes and the ones the credential allows', () => {
    const refused = request({ reason: 'scope_not_allowed', scopes: ['api'] });
    expect(explainRequest(refused, credential({ scopes: ['sdk'] }), NOW)).toBe(
      'Scope `api` is not allowed to this secret. Edit its scopes, or request `sdk`.',
    );
    expect(explainRequest({ ...refused, scopes: ['api', 'admin'] }, credential({ scopes: [] }), NOW)).toBe(
      'Scopes `api` and `admin` are not allowed to this secret. Edit its scopes: it allows none.',
    );
    expect(explainRequest(refused, credential({ scopes: ['sdk', 'api'] }), NOW)).toBe(
      'Scope `api` is not allowed to this secret. Its scopes have been edited since to allow them: retry the request.',
    );
  });

  it('gives the address and the allowed ranges, without the address when the reader may not see it', () => {
    const blocked = request({ reason: 'address_not_allowed' });
    const ranges = ['10.0.0.0/8', '192.0.2.0/24', '198.51.100.0/24', '2001:db8::/32'];
    expect(explainRequest(blocked, credential({ allowedCidrs: ranges }), NOW)).toBe(
      'The request came from 203.0.113.9, which is outside this secret’s allowed addresses (10.0.0.0/8, 192.0.2.0/24, 198.51.100.0/24 and 1 more). Call from an allowed address, or add 203.0.113.9 to its allowed addresses.',
    );
    const hidden = explainRequest({ ...blocked, address: null }, credential({ allowedCidrs: ['10.0.0.0/8'] }), NOW);
    expect(hidden).toBe(
      'The request came from an address outside this secret’s allowed addresses (10.0.0.0/8). Call from an allowed address, or add the caller’s address to its allowed addresses.',
    );
    expect(hidden).not.toContain('203.0.113.9');
  });

  it('names the replacement of a rolled-out secret and when its grace period ended', () => {
    const history = [
      entry('rolled', '2026-12-01T10:00:00Z', {
        details: { replacementName: 'Payments 2', deactivateAt: '2026-12-02T10:00:00Z' },
      }),
    ];
    expect(explainRequest(request({ reason: 'credential_rolled_out' }), credential({ history }), NOW)).toBe(
      'This secret was rolled on Dec 1 by Ada Admin; its grace period ended on Dec 2. Use “Payments 2”, the secret that replaced it.',
    );
  });

  it('dates an expiry and a deletion, with the year when it is not this one', () => {
    const expired = credential({ expiresAt: new Date('2025-12-31T23:00:00Z') });
    expect(explainRequest(request({ reason: 'credential_expired' }), expired, NOW)).toBe(
      `This secret expired on Dec 31, 2025. ${REASON_CATALOGUE.credential_expired.todo}`,
    );
    const deleted = credential({ status: 'DELETED', history: [entry('deleted', '2026-12-04T10:00:00Z')] });
    expect(explainRequest(request({ reason: 'credential_deleted' }), deleted, NOW)).toBe(
      `This secret was deleted on Dec 4 by Ada Admin. ${REASON_CATALOGUE.credential_deleted.todo}`,
    );
  });

  it("judges a tenant's expiry at its test clock: expired there, though not in real time, is not 'changed since'", () => {
    const expiresAt = new Date(NOW.getTime() + 86_400_000);
    const changed = explainRequest(request({ reason: 'credential_expired' }), credential({ expiresAt }), NOW);
    expect(changed).toContain('Its expiry has been changed since');
    const onClock = credential({ expiresAt, testClockAt: expiresAt });
    expect(explainRequest(request({ reason: 'credential_expired' }), onClock, NOW)).toContain(
      REASON_CATALOGUE.credential_expired.todo,
    );
  });

  it('falls back to the catalogue without facts, and for reasons the facts do not change', () => {
    for (const reason of REFUSAL_REASONS) {
      expect(explainRequest(request({ reason }), null, NOW)).toBe(catalogueSentence(reason));
    }
    expect(explainRequest(request({ reason: 'rate_limited' }), credential(), NOW)).toBe(
      `${REASON_CATALOGUE.rate_limited.happened} ${REASON_CATALOGUE.rate_limited.todo}`,
    );
    // No refused scope recorded: nothing to name.
    expect(explainRequest(request({ reason: 'scope_not_allowed' }), credential(), NOW)).toBe(
      catalogueSentence('scope_not_allowed'),
    );
  });
});

describe('dayText', () => {
  it('is the UTC day, with the year only when it differs from now', () => {
    expect(dayText(new Date('2026-12-03T23:59:00Z'), NOW)).toBe('Dec 3');
    expect(dayText(new Date('2025-01-02T00:00:00Z'), NOW)).toBe('Jan 2, 2025');
  });
});
