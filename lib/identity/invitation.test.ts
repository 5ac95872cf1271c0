import { describe, expect, it } from 'vitest';
import {
  INVITATION_LIFETIME_MS,
  hashInvitationToken,
  invitationLinkPath,
  invitationState,
  isInvitationToken,
  newInvitationToken,
} from './invitation';

describe('invitation tokens', () => {
  it('are new every time, have the inv_ shape and hash to 64 hex characters', () => {
    const [a, b] = [newInvitationToken(), newInvitationToken()];
    expect(a).not.toBe(b);
    expect(isInvitationToken(a)).toBe(true);
    expect(hashInvitationToken(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashInvitationToken(a)).not.toContain(a.slice(4));
  });

  it('refuses anything else before a lookup', () => {
    expect(isInvitationToken('inv_short')).toBe(false);
    expect(isInvitationToken(`${newInvitationToken()}x`)).toBe(false);
    expect(isInvitationToken(undefined)).toBe(false);
  });

  it('travel in the fragment of the link, which browsers never send to a server', () => {
    const token = newInvitationToken();
    expect(invitationLinkPath(token)).toBe(`/invitation#token=${token}`);
  });
});

describe('invitationState', () => {
  const sent = new Date('2026-12-10T09:00:00.000Z');
  const expiresAt = new Date(sent.getTime() + INVITATION_LIFETIME_MS);
  const open = { acceptedAt: null, revokedAt: null, expiresAt };

  it('is pending until one millisecond before seven days, expired at exactly seven days', () => {
    expect(invitationState(open, new Date(expiresAt.getTime() - 1))).toBe('pending');
    expect(invitationState(open, expiresAt)).toBe('expired');
  });

  it('is accepted or revoked once either happened, whatever the time', () => {
    expect(invitationState({ ...open, acceptedAt: sent }, sent)).toBe('accepted');
    expect(invitationState({ ...open, revokedAt: sent }, new Date(expiresAt.getTime() + 1))).toBe('revoked');
  });
});
