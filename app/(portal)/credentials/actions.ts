'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getActor } from '@/lib/auth/session';
import { requestContext } from '@/lib/http/request';
import { canManageSecrets, type Actor } from '@/lib/identity/actor';
import {
  activateSecret,
  createSecret,
  deactivateSecret,
  deleteSecret,
  makeDecoy,
  renameSecret,
  rollSecret,
  setAllowedCidrs,
  setSecretExpiry,
  type RequestContext,
} from '@/lib/data/secret-commands';
import { getUsageSummary, type UsageSummary } from '@/lib/data/secret-usage';
import { acknowledgeAlert } from '@/lib/data/alerts';
import type { CommandResult } from '@/lib/data/result';
import { REAUTH_REQUIRED, needsReauthentication } from '@/lib/identity/reauth';
import { ENROLL_TO_MANAGE_SECRETS, mustEnrollTwoFactor } from '@/lib/identity/two-factor-policy';
import { retryableOnOutage } from '@/lib/http/unavailable';
import { MAX_ALLOWED_RANGES, ROLL_GRACE_SECONDS, normalizeCidr, secretNameSchema } from '@/lib/secrets/rules';

export type ActionResult<T = object> =
  | ({ ok: true } & T)
  | { ok: false; message: string; fieldErrors?: Record<string, string>; code?: 'reauth_required'; retryable?: boolean };

const SIGNED_OUT = { ok: false, message: 'Your session has ended. Sign in again to continue.' } as const;
const NOT_FOUND = { ok: false, message: 'This secret no longer exists. Reload the page to see the current list.' } as const;
const INVALID = { ok: false, message: 'The request was not understood. Reload the page and try again.' } as const;
const secretId = z.uuid();
const ENROLL_FIRST = { ok: false, message: ENROLL_TO_MANAGE_SECRETS } as const;


/**
 * Signed-in check, two-factor enrollment where the organization requires it, schema validation,
 * re-authentication for sensitive actions, the command, and revalidation on success only. An unreachable
 * database gives a retryable "can't reach the service" result instead of a 500.
 */
async function run<S extends z.ZodType, T extends object>(
  schema: S,
  input: unknown,
  command: (actor: Actor, data: z.infer<S>, context: RequestContext) => Promise<CommandResult<T> | ActionResult<T>>,
  { invalid = NOT_FOUND, sensitive = false }: { invalid?: ActionResult; sensitive?: boolean } = {},
): Promise<ActionResult<T>> {
  return retryableOnOutage(async (): Promise<ActionResult<T>> => {
    const actor = await getActor();
    if (!actor) return SIGNED_OUT;
    if (mustEnrollTwoFactor(actor, 'manage_secrets')) return ENROLL_FIRST;
    const parsed = schema.safeParse(input);
    if (!parsed.success) return invalid as ActionResult<T>;
    // Viewers are refused by the command itself; only those who could act are asked to confirm.
    if (sensitive && canManageSecrets(actor) && needsReauthentication(actor)) return REAUTH_REQUIRED;
    const result = await command(actor, parsed.data, await requestContext());
    if (!result.ok) return { ok: false, message: result.message, ...('fieldErrors' in result ? { fieldErrors: result.fieldErrors } : {}) };
    revalidatePath('/credentials', 'layout');
    const { ok: _ok, ...rest } = result as { ok: true } & T;
    return { ok: true, ...(rest as T) };
  });
}

/**
 * Creates a secret and returns its value: the one place the plaintext ever
 * appears. It is not logged, not stored and not put in any cache.
 */
export async function createSecretAction(): Promise<
  ActionResult<{ secret: { id: string; preview: string; name: string }; plaintext: string }>
> {
  return run(z.undefined(), undefined, async (actor, _data, context) => {
    const result = await createSecret({ actor, context });
    if (!result.ok) return result;
    const { id, preview, name } = result.secret;
    return { ok: true, plaintext: result.plaintext, secret: { id, preview, name } };
  }, { sensitive: true });
}

const transitionSchema = z.object({ secretId }).strict();

export async function activateSecretAction(input: unknown): Promise<ActionResult> {
  return run(transitionSchema, input, (actor, data, context) => activateSecret({ actor, ...data, context }), { sensitive: true });
}

export async function deactivateSecretAction(input: unknown): Promise<ActionResult> {
  return run(z.object({ secretId, revokeTokens: z.boolean().optional() }).strict(), input, (actor, data, context) =>
    deactivateSecret({ actor, ...data, context }),
  );
}

export async function deleteSecretAction(input: unknown): Promise<ActionResult> {
  return run(transitionSchema, input, (actor, data, context) => deleteSecret({ actor, ...data, context }));
}

export async function renameSecretAction(input: unknown): Promise<ActionResult<{ name: string }>> {
  const actor = await retryableOnOutage(getActor);
  if (!actor || 'retryable' in actor) return actor ?? SIGNED_OUT;
  const parsed = z.object({ secretId, name: z.string().max(1000) }).strict().safeParse(input);
  if (!parsed.success) return INVALID;
  const name = secretNameSchema.safeParse(parsed.data.name);
  if (!name.success) {
    const message = name.error.issues[0]?.message ?? 'Enter a valid name.';
    return { ok: false, message, fieldErrors: { name: message } };
  }
  return run(transitionSchema, { secretId: parsed.data.secretId }, async (actor, data, context) => {
    const result = await renameSecret({ actor, secretId: data.secretId, name: name.data, context });
    return result.ok || result.code !== 'conflict' ? result : { ...result, fieldErrors: { name: result.message } };
  });
}

export async function setSecretExpiryAction(input: unknown): Promise<ActionResult> {
  const schema = z
    .object({
      secretId,
      expiresAt: z.iso
        .datetime({ offset: true })
        .nullable()
        .refine((value) => value === null || Date.parse(value) < Date.now() + 10 * 365 * 86_400_000, 'Choose a date within ten years.'),
    })
    .strict();
  return run(
    schema,
    input,
    (actor, data, context) =>
      setSecretExpiry({ actor, secretId: data.secretId, expiresAt: data.expiresAt ? new Date(data.expiresAt) : null, context }),
    { invalid: { ok: false, message: 'Choose a valid date within ten years.' } },
  );
}

export async function rollSecretAction(
  input: unknown,
): Promise<ActionResult<{ secret: { id: string; preview: string; name: string }; plaintext: string; deactivateAt: string }>> {
  const schema = z
    .object({ secretId, graceSeconds: z.number().refine((value) => (ROLL_GRACE_SECONDS as readonly number[]).includes(value)) })
    .strict();
  return run(schema, input, async (actor, data, context) => {
    const result = await rollSecret({ actor, ...data, context });
    if (!result.ok) return result;
    const { id, preview, name } = result.secret;
    return { ok: true, plaintext: result.plaintext, secret: { id, preview, name }, deactivateAt: result.deactivateAt.toISOString() };
  }, { sensitive: true });
}

export async function setAllowedRangesAction(input: unknown): Promise<ActionResult<{ ranges: string[] }>> {
  const actor = await retryableOnOutage(getActor);
  if (!actor || 'retryable' in actor) return actor ?? SIGNED_OUT;
  const parsed = z.object({ secretId, ranges: z.string().max(5000) }).strict().safeParse(input);
  if (!parsed.success) return INVALID;
  const entries = parsed.data.ranges.split(/[\s,]+/).filter(Boolean);
  const invalid = entries.filter((entry) => normalizeCidr(entry) === null);
  if (invalid.length > 0) {
    const message = `Not an IPv4 or IPv6 address or range: ${invalid.slice(0, 5).join(', ')}`;
    return { ok: false, message, fieldErrors: { ranges: message } };
  }
  const ranges = [...new Set(entries.map((entry) => normalizeCidr(entry)!))];
  if (ranges.length > MAX_ALLOWED_RANGES) {
    const message = `Use at most ${MAX_ALLOWED_RANGES} ranges.`;
    return { ok: false, message, fieldErrors: { ranges: message } };
  }
  return run(transitionSchema, { secretId: parsed.data.secretId }, async (actor, data, context) => {
    const result = await setAllowedCidrs({ actor, secretId: data.secretId, cidrs: ranges, context });
    return result.ok ? { ok: true, ranges } : result;
  }, { sensitive: true });
}

/** Deactivates or deletes several secrets, each under the same rules as one; reports what happened to each. */
export async function bulkSecretsAction(
  input: unknown,
): Promise<ActionResult<{ done: string[]; failed: { secretId: string; message: string }[] }>> {
  const schema = z.object({ secretIds: z.array(secretId).min(1).max(100), action: z.enum(['deactivate', 'delete']) }).strict();
  return run(schema, input, async (actor, data, context) => {
    const done: string[] = [];
    const failed: { secretId: string; message: string }[] = [];
    for (const id of new Set(data.secretIds)) {
      const command = data.action === 'deactivate' ? deactivateSecret : deleteSecret;
      const result = await command({ actor, secretId: id, context });
      if (result.ok) done.push(id);
      else if (result.code === 'forbidden') return result;
      else failed.push({ secretId: id, message: result.message });
    }
    return { ok: true, done, failed };
  });
}

/** What deactivating would interrupt: tokens in the last hour and day, the last use, unexpired tokens. */
export async function getSecretUsageAction(input: unknown): Promise<ActionResult<{ usage: UsageSummary }>> {
  const actor = await retryableOnOutage(getActor);
  if (!actor || 'retryable' in actor) return actor ?? SIGNED_OUT;
  if (mustEnrollTwoFactor(actor, 'manage_secrets')) return ENROLL_FIRST;
  const parsed = transitionSchema.safeParse(input);
  if (!parsed.success || !canManageSecrets(actor)) return NOT_FOUND;
  const usage = await retryableOnOutage(() => getUsageSummary({ organizationId: actor.membership.organizationId, secretId: parsed.data.secretId }));
  if (usage && 'retryable' in usage) return usage;
  return usage ? { ok: true, usage } : NOT_FOUND;
}

export async function makeDecoyAction(input: unknown): Promise<ActionResult> {
  return run(transitionSchema, input, (actor, data, context) => makeDecoy({ actor, ...data, context }), { sensitive: true });
}

export async function acknowledgeAlertAction(input: unknown): Promise<ActionResult> {
  return run(z.object({ alertId: z.uuid() }).strict(), input, (actor, data, context) => acknowledgeAlert({ actor, ...data, context }), {
    invalid: { ok: false, message: 'This alert was already acknowledged.' },
  });
}
