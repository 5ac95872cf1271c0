import { deleteTenant, listTenantsDueForDeletion } from '@/lib/data/tenants';

/**
 * Deletes the tenants whose time is up (`ttlMinutes` after creation, real time, never a test clock), so that a
 * suite that crashed before deleting its tenants leaves nothing behind. Each goes through `deleteTenant`, which
 * returns once every instance has forgotten the tenant's credentials. Run by the scheduler's leader; a tenant
 * deleted meanwhile (by its suite, or by a leader overlapping for a moment) is simply not found. Returns how
 * many it deleted.
 */
export async function deleteExpiredTenants(now = new Date()): Promise<number> {
  let deleted = 0;
  for (const organizationId of await listTenantsDueForDeletion({ now })) {
    const result = await deleteTenant({ organizationId });
    if (result.ok) deleted += 1;
  }
  return deleted;
}
