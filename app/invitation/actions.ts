'use server';

import { z } from 'zod';
import { acceptInvitationAsUser } from '@/lib/data/members';
import { run, type ActionResult } from '@/lib/actions/run';
import { fail } from '@/lib/result';

/**
 * The signed-in owner of the invited email accepts with the account they have. Whoever else is signed in is
 * refused by the command, which matches the invitation's email against the actor's.
 */
export async function acceptInvitationAction(input: unknown): Promise<ActionResult<{ role: 'ADMIN' | 'VIEWER' }>> {
  const schema = z.object({ token: z.string().max(200) }).strict();
  const invalid = fail('not_found', 'This invitation link is not valid any more.');
  return run(input, { schema, invalid, revalidate: { path: '/', type: 'layout' } }, ({ actor, data, context }) =>
    acceptInvitationAsUser({ actor, token: data.token, context }),
  );
}
