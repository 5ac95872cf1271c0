import { EXPIRING_THRESHOLD_DAYS, type EventData, type EventType } from '@/lib/events/catalogue';

/**
 * A realistic sample of each catalogue event, as a tenant's event trigger sends it (`POST
 * /api/platform/tenants/{id}/events`, like `stripe trigger`): the shape a real one has, about a made-up
 * credential, and marked `test: true` so that a receiver can tell it from a real one. Never a secret value.
 * Pure: the ids and the instant are passed in.
 */
export function sampleEventData(
  type: EventType,
  { organizationId, at, ids }: { organizationId: string; at: Date; ids: readonly [string, string] },
): EventData {
  const base = { organization_id: organizationId, test: true as const };
  if (type === 'webhook.test') return base;
  const day = 86_400_000;
  const credential = (status: 'active' | 'disabled' | 'expired' | 'deleted', expiresAt: Date | null = null) => ({
    id: ids[0],
    name: 'Sample secret',
    kind: 'secret' as const,
    preview: 'uqs_…a1b2',
    status,
    scopes: ['read'],
    expires_at: expiresAt?.toISOString() ?? null,
  });
  const admin = { type: 'user' as const, name: 'Sample admin' };
  const system = { type: 'system' as const, name: 'System' };
  const caller = { address: '203.0.113.7', user_agent: 'sample-client/1.0' };
  const person = { actor: admin, address: '198.51.100.23', user_agent: 'Mozilla/5.0 (sample)' };
  switch (type) {
    case 'credential.created':
      return { ...base, ...person, credential: credential('disabled') };
    case 'credential.activated':
      return { ...base, ...person, credential: credential('active') };
    case 'credential.deactivated':
      return { ...base, ...person, credential: credential('disabled') };
    case 'credential.deleted':
      return { ...base, ...person, credential: credential('deleted') };
    case 'credential.rolled':
      return {
        ...base,
        ...person,
        credential: credential('active'),
        replacement: { id: ids[1], name: 'Sample secret (2)', preview: 'uqs_…c3d4' },
      };
    case 'credential.scopes_changed':
      return { ...base, ...person, credential: credential('active'), previous_scopes: ['read', 'write'] };
    case 'credential.expiring': {
      const days = EXPIRING_THRESHOLD_DAYS[1];
      const stopsAt = new Date(at.getTime() + days * day);
      return {
        ...base,
        credential: credential('active', stopsAt),
        stops_at: stopsAt.toISOString(),
        stops_because: 'expiry',
        days,
      };
    }
    case 'credential.expired':
      return { ...base, actor: system, credential: credential('expired', at) };
    case 'credential.leaked':
      return {
        ...base,
        actor: { type: 'public', name: 'Secret reporter' },
        ...caller,
        credential: credential('disabled'),
      };
    case 'credential.decoy_triggered':
      return {
        ...base,
        actor: { type: 'system', name: 'Token endpoint' },
        ...caller,
        credential: credential('disabled'),
      };
    case 'credential.new_caller':
      return { ...base, ...caller, credential: credential('active') };
  }
}
