'use server';

import { z } from 'zod';
import { getActor } from '@/lib/auth/session';
import { requestContext } from '@/lib/http/request';
import { emergencyDeactivate } from '@/lib/data/support';
import { ENROLL_TO_OPEN_SUPPORT, mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { retryableOnOutage } from '@/lib/http/unavailable';

export type SupportActionResult = { ok: true } | { ok: false; message: string; fieldErrors?: Record<string, string>; retryable?: boolean };

const schema = z
  .object({ organizationId: z.uuid(), secretId: z.uuid(), reason: z.string().max(1000) })
  .strict();

/** Deactivates a customer's secret in an emergency; the reason is shown in the customer's audit log. */
export async function emergencyDeactivateAction(input: unknown): Promise<SupportActionResult> {
  const actor = await retryableOnOutage(getActor);
  if (!actor || 'retryable' in actor) return actor ?? { ok: false, message: 'Your session has ended. Sign in again to continue.' };
  if (mustEnrollTwoFactor(actor, 'support_console')) return { ok: false, message: ENROLL_TO_OPEN_SUPPORT };
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, message: 'The request was not understood. Reload the page and try again.' };
  const context = await requestContext();
  const result = await retryableOnOutage(() => emergencyDeactivate({ actor, ...parsed.data, context }));
  if ('retryable' in result) return result;
  if (!result.ok) {
    return result.message.startsWith('Write a reason')
      ? { ok: false, message: result.message, fieldErrors: { reason: result.message } }
      : { ok: false, message: result.message };
  }
  // No revalidation: re-rendering the page would record another support view. The table updates the row itself.
  return { ok: true };
}
