import { portalUrl } from '@/lib/env';
/**
 * The WebAuthn relying party is the portal itself: its host name is the RP ID and its origin the only
 * origin a ceremony may come from. Both follow the portal's public address (PORTAL_URL or NEXTAUTH_URL).
 */
export function relyingParty(): { rpID: string; rpName: string; origin: string } {
  const url = new URL(portalUrl());
  return { rpID: url.hostname, rpName: 'Credentials console', origin: url.origin };
}
