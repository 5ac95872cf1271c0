import { describe, expect, it } from 'vitest';
import { mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';

const admin = (requireTwoFactor: boolean, twoFactorEnabled: boolean) => ({
  platformRole: null,
  twoFactorEnabled,
  membership: { organizationId: 'o', organizationName: 'Acme', role: 'ADMIN' as const, requireTwoFactor },
});
const viewer = { ...admin(true, false), membership: { ...admin(true, false).membership, role: 'VIEWER' as const } };
const support = (twoFactorEnabled: boolean) => ({
  platformRole: 'SUPPORT' as const,
  twoFactorEnabled,
  membership: null,
});

describe('mustEnrollTwoFactor', () => {
  it('holds back an admin without a factor only when the organization requires one', () => {
    expect(mustEnrollTwoFactor(admin(true, false), 'manage_credentials')).toBe(true);
    expect(mustEnrollTwoFactor(admin(true, true), 'manage_credentials')).toBe(false);
    expect(mustEnrollTwoFactor(admin(false, false), 'manage_credentials')).toBe(false);
  });

  it('holds back such an admin from managing members too (an invited admin enrolls before anything else)', () => {
    expect(mustEnrollTwoFactor(admin(true, false), 'manage_members')).toBe(true);
    expect(mustEnrollTwoFactor(admin(true, true), 'manage_members')).toBe(false);
    expect(mustEnrollTwoFactor(viewer, 'manage_members')).toBe(false);
  });

  it('never holds back a viewer, who manages nothing', () => {
    expect(mustEnrollTwoFactor(viewer, 'manage_credentials')).toBe(false);
  });

  it('closes the support console to support staff without a factor, whatever any organization says', () => {
    expect(mustEnrollTwoFactor(support(false), 'support_console')).toBe(true);
    expect(mustEnrollTwoFactor(support(true), 'support_console')).toBe(false);
    expect(mustEnrollTwoFactor(support(false), 'manage_credentials')).toBe(false);
    expect(mustEnrollTwoFactor(admin(true, false), 'support_console')).toBe(false);
  });
});
