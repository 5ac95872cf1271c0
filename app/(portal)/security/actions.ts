'use server';

import { z } from 'zod';
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { Actor } from '@/lib/identity/actor';
import type { RequestContext } from '@/lib/data/audit';
import { endSessions } from '@/lib/data/sessions';
import { run, type ActionResult, type RunOptions } from '@/lib/actions/run';
import {
  beginTotpEnrollment,
  confirmTotpEnrollment,
  passkeyRegistrationOptions,
  regenerateRecoveryCodes,
  removePasskey,
  removeTotp,
  renamePasskey,
  verifyPasskeyRegistration,
} from '@/lib/data/two-factor';
import { setTwoFactorRequirement } from '@/lib/data/organizations';

/**
 * One server action per operation on the account's factors, each through run(): signed-in check,
 * validation, a recent confirmation of identity (every change to how the account signs in is sensitive),
 * the data-layer call, revalidation on success only.
 */

/** What the security page's actions answer (the shared action result, under the name its components use). */
export type SecurityActionResult<T = object> = ActionResult<T>;

const REVALIDATE = { path: '/security' } as const;
const NO_INPUT = z.undefined();
const PASSKEY_GONE = { ok: false, code: 'not_found', message: 'This passkey no longer exists.' } as const;

function factorAction<S extends z.ZodType>(
  schema: S,
  options: Partial<RunOptions<S, undefined>> = {},
): RunOptions<S, undefined> {
  return { schema, sensitive: true, revalidate: REVALIDATE, ...options };
}

export async function beginTotpSetupAction(): Promise<
  SecurityActionResult<{ secret: string; uri: string; qrCode: string }>
> {
  // Nothing on the page changes until the app is confirmed: no revalidation.
  return run(undefined, factorAction(NO_INPUT, { revalidate: false }), async ({ actor }) => {
    const result = await beginTotpEnrollment({ userId: actor.userId });
    if (!result.ok) return result;
    return { ok: true, secret: result.secret, uri: result.uri, qrCode: result.qrCode };
  });
}

export async function confirmTotpSetupAction(
  input: unknown,
): Promise<SecurityActionResult<{ recoveryCodes: string[] | null }>> {
  return run(input, factorAction(z.object({ code: z.string().max(20) }).strict()), async ({ actor, data, context }) => {
    const result = await confirmTotpEnrollment({ userId: actor.userId, code: data.code, context });
    return result.ok ? { ok: true, recoveryCodes: result.recoveryCodes } : result;
  });
}

/**
 * A removed factor may have been the one an intruder enrolled or the one a thief holds: every other
 * session of the user ends, as with a password change.
 */
async function endOtherSessionsAfterFactorRemoval(actor: Actor, context: RequestContext) {
  await endSessions({ userId: actor.userId, exceptSessionId: actor.session?.id, reason: 'factor_removed', context });
}

export async function removeTotpAction(): Promise<SecurityActionResult> {
  return run(undefined, factorAction(NO_INPUT), async ({ actor, context }) => {
    const result = await removeTotp({ userId: actor.userId, context });
    if (!result.ok) return result;
    await endOtherSessionsAfterFactorRemoval(actor, context);
    return { ok: true };
  });
}

export async function startPasskeyRegistrationAction(): Promise<
  SecurityActionResult<{ ceremony: string; options: PublicKeyCredentialCreationOptionsJSON }>
> {
  return run(undefined, factorAction(NO_INPUT, { revalidate: false }), async ({ actor }) => {
    const result = await passkeyRegistrationOptions({ userId: actor.userId });
    if (!result.ok) return result;
    return { ok: true, ceremony: result.ceremony, options: result.options };
  });
}

const base64url = z
  .string()
  .max(16_384)
  .regex(/^[A-Za-z0-9_-]*$/);
const registrationSchema = z
  .object({
    ceremony: base64url,
    name: z.string().max(1000),
    response: z.looseObject({
      id: base64url,
      rawId: base64url,
      type: z.literal('public-key'),
      response: z.looseObject({
        clientDataJSON: base64url,
        attestationObject: base64url,
        transports: z.array(z.string().max(32)).max(10).optional(),
      }),
      clientExtensionResults: z.record(z.string(), z.unknown()),
    }),
  })
  .strict();

export async function finishPasskeyRegistrationAction(
  input: unknown,
): Promise<SecurityActionResult<{ passkey: { id: string; name: string }; recoveryCodes: string[] | null }>> {
  return run(input, factorAction(registrationSchema), async ({ actor, data, context }) => {
    const { ceremony, name, response } = data;
    const result = await verifyPasskeyRegistration({
      userId: actor.userId,
      ceremony,
      name,
      response: response as unknown as RegistrationResponseJSON,
      context,
    });
    if (!result.ok) return result;
    return { ok: true, passkey: result.passkey, recoveryCodes: result.recoveryCodes };
  });
}

export async function renamePasskeyAction(input: unknown): Promise<SecurityActionResult<{ name: string }>> {
  const schema = z.object({ passkeyId: z.uuid(), name: z.string().max(1000) }).strict();
  // A name changes nothing about how the account signs in: no confirmation of identity needed.
  return run(input, factorAction(schema, { invalid: PASSKEY_GONE, sensitive: false }), async ({ actor, data }) => {
    const result = await renamePasskey({ userId: actor.userId, ...data });
    return result.ok ? { ok: true, name: result.name } : result;
  });
}

export async function removePasskeyAction(input: unknown): Promise<SecurityActionResult> {
  const schema = z.object({ passkeyId: z.uuid() }).strict();
  return run(input, factorAction(schema, { invalid: PASSKEY_GONE }), async ({ actor, data, context }) => {
    const result = await removePasskey({ userId: actor.userId, passkeyId: data.passkeyId, context });
    if (!result.ok) return result;
    await endOtherSessionsAfterFactorRemoval(actor, context);
    return { ok: true };
  });
}

export async function regenerateRecoveryCodesAction(): Promise<SecurityActionResult<{ recoveryCodes: string[] }>> {
  return run(undefined, factorAction(NO_INPUT), async ({ actor, context }) => {
    const result = await regenerateRecoveryCodes({ userId: actor.userId, context });
    return result.ok ? { ok: true, recoveryCodes: result.recoveryCodes } : result;
  });
}

export async function setTwoFactorRequirementAction(
  input: unknown,
): Promise<SecurityActionResult<{ required: boolean }>> {
  return run(input, factorAction(z.object({ required: z.boolean() }).strict()), async ({ actor, data, context }) => {
    const result = await setTwoFactorRequirement({ actor, required: data.required, context });
    return result.ok ? { ok: true, required: result.required } : result;
  });
}
