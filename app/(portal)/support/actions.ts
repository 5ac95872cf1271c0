'use server';

import { z } from 'zod';
import { emergencyDeactivate } from '@/lib/data/support';
import { run, type ActionResult } from '@/lib/actions/run';

const schema = z.object({ organizationId: z.uuid(), credentialId: z.uuid(), reason: z.string().max(1000) }).strict();

/** Deactivates a customer's secret in an emergency; the reason is shown in the customer's audit log. */
export async function emergencyDeactivateAction(input: unknown): Promise<ActionResult> {
  // No revalidation: re-rendering the page would record another support view. The table updates the row itself.
  return run(input, { schema, twoFactor: 'support_console', revalidate: false }, ({ actor, data, context }) =>
    emergencyDeactivate({ actor, ...data, context }),
  );
}
