// POST /api/auth/invitation/lookup — what the invitation page shows for the token in its link's fragment.
import { z } from 'zod';
import { findInvitationByToken } from '@/lib/data/members';
import { json, readSignInRequest, signInStep } from '@/lib/auth/sign-in-http';

const schema = z.object({ token: z.string().max(200) }).strict();

/**
 * A POST, not a GET with the token in the query: the token stays out of every URL, so out of logs and
 * history. An unknown, used, revoked or expired link gets one answer each, never who it was for.
 */
export function POST(request: Request) {
  return signInStep(async () => {
    const read = await readSignInRequest(request, schema);
    if ('response' in read) return read.response;
    const found = await findInvitationByToken({ token: read.data.token });
    if (!found.ok) return json({ status: found.code, message: found.message }, 410);
    const { invitation } = found;
    return json(
      {
        status: 'open',
        invitation: {
          organizationName: invitation.organizationName,
          email: invitation.email,
          role: invitation.role,
          invitedByName: invitation.invitedByName,
          expiresAt: invitation.expiresAt.toISOString(),
          accountExists: invitation.accountExists,
        },
      },
      200,
    );
  });
}
