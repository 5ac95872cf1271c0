import { describe, expect, it } from 'vitest';
import type { CredentialListItem } from '@/lib/data/credential-queries';
import { toCredentialRow } from './credential-row';

const now = Date.parse('2026-03-01T12:00:00.000Z');
const day = 86_400_000;
const item = (overrides: Partial<CredentialListItem> = {}): CredentialListItem => ({
  id: 'secret-1',
  kind: 'SECRET',
  name: 'Secret 1',
  preview: 'uqs_…a1b2',
  scopes: ['sdk', 'api'],
  jwksUrl: null,
  workloadIssuer: null,
  workloadAudience: null,
  workloadSubject: null,
  status: 'ACTIVE',
  createdAt: new Date(now - 10 * day),
  createdByName: 'Ada Admin',
  activatedAt: new Date(now - 9 * day),
  lastUsedAt: null,
  expiresAt: null,
  deactivateAt: null,
  replacedById: null,
  allowedCidrs: [],
  isDecoy: false,
  ...overrides,
});

describe('toCredentialRow', () => {
  it('sends dates as ISO strings and leaves out when it was activated', () => {
    const row = toCredentialRow(item({ lastUsedAt: new Date(now - 60_000), deactivateAt: new Date(now + day) }), now);
    expect(row.createdAt).toBe('2026-02-19T12:00:00.000Z');
    expect(row.lastUsedAt).toBe('2026-03-01T11:59:00.000Z');
    expect(row.deactivateAt).toBe('2026-03-02T12:00:00.000Z');
    expect(row.expiresAt).toBeNull();
    expect(row).not.toHaveProperty('activatedAt');
    expect(row.displayStatus).toBe('ACTIVE');
    expect(row.expiresSoon).toBe(false);
  });

  it('shows a secret past its expiry as Expired, whatever its stored status', () => {
    expect(toCredentialRow(item({ expiresAt: new Date(now) }), now).displayStatus).toBe('EXPIRED');
    expect(toCredentialRow(item({ status: 'DISABLED', expiresAt: new Date(now - day) }), now).displayStatus).toBe(
      'EXPIRED',
    );
    expect(toCredentialRow(item({ status: 'DISABLED', expiresAt: new Date(now + 1) }), now).displayStatus).toBe(
      'DISABLED',
    );
  });

  it('flags a secret expiring within 14 days, and not one already expired or further off', () => {
    expect(toCredentialRow(item({ expiresAt: new Date(now + 14 * day) }), now).expiresSoon).toBe(true);
    expect(toCredentialRow(item({ expiresAt: new Date(now + 14 * day + 1) }), now).expiresSoon).toBe(false);
    expect(toCredentialRow(item({ expiresAt: new Date(now) }), now).expiresSoon).toBe(false);
  });
});
