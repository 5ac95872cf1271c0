'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { getActor } from '@/lib/auth/session';
import { requestContext } from '@/lib/http/request';
import type { Actor } from '@/lib/identity/actor';
import type { RequestContext } from '@/lib/data/audit';
import { endSessions } from '@/lib/data/sessions';
import { REAUTH_REQUIRED, needsReauthentication } from '@/lib/identity/reauth';
import {
  beginTotpEnrollment,
  confirmTotpEnrollment,
  passkeyRegistrationOptions,
  regenerateRecoveryCodes,
  removePasskey,
  removeTotp,
  renamePasskey,
  setTwoFactorRequirement,
  verifyPasskeyRegistration,
} from '@/lib/data/two-factor';

/**
 * One server action per operation on the account's factors, each complete in itself: signed-in check,
 * validation, a recent confirmation of identity (every change to how the account signs in is sensitive),
 * the data-layer call, revalidation on success only.
 */

export type SecurityActionResult<T = object> =
  | ({ ok: true } & T)
  | { ok: false; message: string; fieldErrors?: Record<string, string>; code?: 'reauth_required' };

const SIGNED_OUT = { ok: false, message: 'Your session has ended. Sign in again to continue.' } as const;
const INVALID = { ok: false, message: 'The request was not understood. Reload the page and try again.' } as const;

function done<T extends object>(value: T): { ok: true } & T {
  revalidatePath('/security');
  return { ok: true, ...value };
}

export async function beginTotpSetupAction(): Promise<SecurityActionResult<{ secret: string; uri: string; qrCode: string }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const result = await beginTotpEnrollment({ userId: actor.userId });
  if (!result.ok) return { ok: false, message: result.message };
  // Nothing on the page changes until the app is confirmed: no revalidation.
  return { ok: true, secret: result.secret, uri: result.uri, qrCode: result.qrCode };
}

export async function confirmTotpSetupAction(input: unknown): Promise<SecurityActionResult<{ recoveryCodes: string[] | null }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = z.object({ code: z.string().max(20) }).strict().safeParse(input);
  if (!parsed.success) return INVALID;
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const result = await confirmTotpEnrollment({ userId: actor.userId, code: parsed.data.code, context: await requestContext() });
  if (!result.ok) return { ok: false, message: result.message, ...(result.code === 'invalid_code' ? { fieldErrors: { code: result.message } } : {}) };
  return done({ recoveryCodes: result.recoveryCodes });
}

/**
 * A removed factor may have been the one an intruder enrolled or the one a thief holds: every other
 * session of the user ends, as with a password change.
 */
async function endOtherSessionsAfterFactorRemoval(actor: Actor, context: RequestContext) {
  await endSessions({ userId: actor.userId, exceptSessionId: actor.session?.id, reason: 'factor_removed', context });
}

export async function removeTotpAction(): Promise<SecurityActionResult> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const context = await requestContext();
  const result = await removeTotp({ userId: actor.userId, context });
  if (!result.ok) return { ok: false, message: result.message };
  await endOtherSessionsAfterFactorRemoval(actor, context);
  return done({});
}

export async function startPasskeyRegistrationAction(): Promise<
  SecurityActionResult<{ ceremony: string; options: PublicKeyCredentialCreationOptionsJSON }>
> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const result = await passkeyRegistrationOptions({ userId: actor.userId });
  if (!result.ok) return { ok: false, message: result.message };
  return { ok: true, ceremony: result.ceremony, options: result.options };
}

const base64url = z.string().max(16_384).regex(/^[A-Za-z0-9_-]*$/);
const registrationSchema = z
  .object({
    ceremony: base64url,
    name: z.string().max(1000),
    response: z.looseObject({
      id: base64url,
      rawId: base64url,
      type: z.literal('public-key'),
      response: z.looseObject({ clientDataJSON: base64url, attestationObject: base64url, transports: z.array(z.string().max(32)).max(10).optional() }),
      clientExtensionResults: z.record(z.string(), z.unknown()),
    }),
  })
  .strict();

export async function finishPasskeyRegistrationAction(
  input: unknown,
): Promise<SecurityActionResult<{ passkey: { id: string; name: string }; recoveryCodes: string[] | null }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = registrationSchema.safeParse(input);
  if (!parsed.success) return INVALID;
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const { ceremony, name, response } = parsed.data;
  const result = await verifyPasskeyRegistration({
    userId: actor.userId,
    ceremony,
    name,
    response: response as unknown as RegistrationResponseJSON,
    context: await requestContext(),
  });
  if (!result.ok) return { ok: false, message: result.message };
  return done({ passkey: result.passkey, recoveryCodes: result.recoveryCodes });
}

export async function renamePasskeyAction(input: unknown): Promise<SecurityActionResult<{ name: string }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = z.object({ passkeyId: z.uuid(), name: z.string().max(1000) }).strict().safeParse(input);
  if (!parsed.success) return { ok: false, message: 'This passkey no longer exists.' };
  // A name changes nothing about how the account signs in: no confirmation of identity needed.
  const result = await renamePasskey({ userId: actor.userId, ...parsed.data });
  if (!result.ok) return { ok: false, message: result.message, ...(result.code === 'invalid_input' ? { fieldErrors: { name: result.message } } : {}) };
  return done({ name: result.name });
}

export async function removePasskeyAction(input: unknown): Promise<SecurityActionResult> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = z.object({ passkeyId: z.uuid() }).strict().safeParse(input);
  if (!parsed.success) return { ok: false, message: 'This passkey no longer exists.' };
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const context = await requestContext();
  const result = await removePasskey({ userId: actor.userId, passkeyId: parsed.data.passkeyId, context });
  if (!result.ok) return { ok: false, message: result.message };
  await endOtherSessionsAfterFactorRemoval(actor, context);
  return done({});
}

export async function regenerateRecoveryCodesAction(): Promise<SecurityActionResult<{ recoveryCodes: string[] }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const result = await regenerateRecoveryCodes({ userId: actor.userId, context: await requestContext() });
  if (!result.ok) return { ok: false, message: result.message };
  return done({ recoveryCodes: result.recoveryCodes });
}

export async function setTwoFactorRequirementAction(input: unknown): Promise<SecurityActionResult<{ required: boolean }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = z.object({ required: z.boolean() }).strict().safeParse(input);
  if (!parsed.success) return INVALID;
  if (needsReauthentication(actor)) return REAUTH_REQUIRED;
  const result = await setTwoFactorRequirement({ actor, required: parsed.data.required, context: await requestContext() });
  if (!result.ok) return { ok: false, message: result.message };
  return done({ required: result.required });
}
