'use server';

import { z } from 'zod';
import { canManageCredentials } from '@/lib/identity/actor';
import {
  activateCredential,
  deactivateCredential,
  deleteCredential,
  renameCredential,
  setAllowedCidrs,
  setCredentialExpiry,
  setCredentialScopes,
} from '@/lib/data/credential-commands';
import { createSecret, makeDecoy, rollSecret } from '@/lib/data/secret-commands';
import { createPublicKey } from '@/lib/data/public-key-commands';
import { createTrustedWorkload } from '@/lib/data/workload-commands';
import { jwksUrlProblem } from '@/lib/oauth/jwks-probe';
import { getUsageSummary, type UsageSummary } from '@/lib/data/credential-usage';
import { acknowledgeAlert } from '@/lib/data/alerts';
import { INVALID_REQUEST, run, type ActionResult as Answer, type RunOptions } from '@/lib/actions/run';
import { notFound, type Result } from '@/lib/result';
import { MAX_ALLOWED_RANGES, ROLL_GRACE_SECONDS, normalizeCidr, credentialNameSchema } from '@/lib/credentials/rules';

/** What the credentials page's actions answer (the shared action result, under the name its components use). */
export type ActionResult<T = object> = Answer<T>;

const credentialId = z.uuid();
const transitionSchema = z.object({ credentialId }).strict();
/** Scopes as the form sends them; which ones are offered, and that one is chosen, the command checks. */
const scopesInput = z.array(z.string().max(16)).max(8);
/** What the browser needs to show a new credential before the page refreshes. */
type CreatedCredential = { id: string; preview: string; name: string };
/** The created credential cut down to what the browser needs (the command answers with the whole list item). */
function created({ id, preview, name }: CreatedCredential): CreatedCredential {
  return { id, preview, name };
}

/**
 * The credentials page's policy: admins without a required second factor are sent to enroll; malformed
 * input looks like a secret that no longer exists; sensitive actions ask only those who could act (viewers
 * are refused by the command itself); success revalidates the whole credentials layout.
 */
function secretAction<S extends z.ZodType, F extends z.ZodType | undefined = undefined>(
  options: Omit<RunOptions<S, F>, 'sensitive'> & { sensitive?: boolean },
): RunOptions<S, F> {
  const { sensitive = false, ...rest } = options;
  return {
    twoFactor: 'manage_credentials',
    invalid: notFound(),
    revalidate: { path: '/credentials', type: 'layout' },
    ...rest,
    sensitive: sensitive ? canManageCredentials : false,
  };
}

/** Adding a credential: malformed input is a bad request (there is no credential yet to be missing), and sensitive. */
function creation<S extends z.ZodType>(schema: S) {
  return secretAction({ schema, invalid: INVALID_REQUEST, sensitive: true });
}

/**
 * Creates a secret and returns its value: the one place the plaintext ever
 * appears. It is not logged, not stored and not put in any cache. Without
 * input (the one-click "Add Secret") it may request every scope.
 * It does not revalidate: the browser shows the value as soon as this answers and then refreshes the page
 * (router.refresh), where a revalidation would have held the value back until the whole re-rendered page
 * had come with it.
 */
export async function createSecretAction(
  input?: unknown,
): Promise<ActionResult<{ secret: CreatedCredential; plaintext: string }>> {
  const schema = z.object({ scopes: scopesInput }).strict().optional();
  return run(input, { ...creation(schema), revalidate: false }, async ({ actor, data, context }) => {
    const result = await createSecret({ actor, scopes: data?.scopes, context });
    if (!result.ok) return result;
    return { ok: true, plaintext: result.plaintext, secret: created(result.secret) };
  });
}

/** Adds a public key (pasted, or the URL of a JWKS), disabled until activated. */
export async function createPublicKeyAction(
  input: unknown,
): Promise<ActionResult<{ credential: CreatedCredential; warning: string | null }>> {
  const schema = z
    .object({
      name: z.string().max(1000),
      source: z.enum(['key', 'jwksUrl']),
      key: z.string().max(20_000),
      jwksUrl: z.string().max(4096),
      scopes: scopesInput,
    })
    .strict();
  return run(input, creation(schema), async ({ actor, data, context }) => {
    // Only the chosen source is sent on: text left in the other field is not a second key.
    const result = await createPublicKey({
      actor,
      name: data.name,
      ...(data.source === 'key' ? { key: data.key } : { jwksUrl: data.jwksUrl }),
      scopes: data.scopes,
      context,
    });
    if (!result.ok) return result;
    // A typo in the URL would otherwise show only as refused assertions, later.
    const warning = data.source === 'jwksUrl' ? await jwksUrlProblem(data.jwksUrl.trim()) : null;
    return { ok: true, credential: created(result.credential), warning };
  });
}

/** Trusts a workload of an external OIDC issuer, disabled until activated. */
export async function createTrustedWorkloadAction(
  input: unknown,
): Promise<ActionResult<{ credential: CreatedCredential }>> {
  const schema = z
    .object({
      name: z.string().max(1000),
      issuer: z.string().max(2000),
      audience: z.string().max(2000),
      subject: z.string().max(2000),
      scopes: scopesInput,
    })
    .strict();
  return run(input, creation(schema), async ({ actor, data, context }) => {
    const result = await createTrustedWorkload({ actor, ...data, context });
    if (!result.ok) return result;
    return { ok: true, credential: created(result.credential) };
  });
}

/** Changes which scopes a credential of any kind may request. */
export async function setCredentialScopesAction(input: unknown): Promise<ActionResult<{ scopes: string[] }>> {
  const schema = z.object({ credentialId, scopes: scopesInput }).strict();
  return run(input, secretAction({ schema, sensitive: true }), ({ actor, data, context }) =>
    setCredentialScopes({ actor, ...data, context }),
  );
}

/**
 * Like createSecretAction, it does not revalidate: the row shows Active as soon as this answers, and the
 * browser then refreshes the page.
 */
export async function activateCredentialAction(input: unknown): Promise<ActionResult> {
  return run(
    input,
    secretAction({ schema: transitionSchema, sensitive: true, revalidate: false }),
    ({ actor, data, context }) => activateCredential({ actor, ...data, context }),
  );
}

export async function deactivateCredentialAction(input: unknown): Promise<ActionResult> {
  return run(
    input,
    secretAction({ schema: z.object({ credentialId, revokeTokens: z.boolean().optional() }).strict() }),
    ({ actor, data, context }) => deactivateCredential({ actor, ...data, context }),
  );
}

export async function deleteCredentialAction(input: unknown): Promise<ActionResult> {
  return run(input, secretAction({ schema: transitionSchema }), ({ actor, data, context }) =>
    deleteCredential({ actor, ...data, context }),
  );
}

export async function renameCredentialAction(input: unknown): Promise<ActionResult<{ name: string }>> {
  const options = secretAction({
    schema: z.object({ credentialId, name: z.string().max(1000) }).strict(),
    invalid: INVALID_REQUEST,
    fields: z.object({ name: credentialNameSchema }),
  });
  return run(input, options, async ({ actor, data, context }) => {
    const result = await renameCredential({ actor, credentialId: data.credentialId, name: data.name, context });
    // Names are unique within the account: a taken name belongs next to the name field.
    return result.ok || result.code !== 'conflict' ? result : { ...result, field: 'name' };
  });
}

export async function setCredentialExpiryAction(input: unknown): Promise<ActionResult> {
  const schema = z
    .object({
      credentialId,
      expiresAt: z.iso
        .datetime({ offset: true })
        .nullable()
        .refine(
          (value) => value === null || Date.parse(value) < Date.now() + 10 * 365 * 86_400_000,
          'Choose a date within ten years.',
        ),
    })
    .strict();
  const options = secretAction({
    schema,
    invalid: { ok: false, code: 'invalid_input', message: 'Choose a valid date within ten years.' },
  });
  return run(input, options, ({ actor, data, context }) =>
    setCredentialExpiry({
      actor,
      credentialId: data.credentialId,
      expiresAt: data.expiresAt ? new Date(data.expiresAt) : null,
      context,
    }),
  );
}

export async function rollSecretAction(
  input: unknown,
): Promise<ActionResult<{ secret: CreatedCredential; plaintext: string; deactivateAt: string }>> {
  const schema = z
    .object({
      credentialId,
      graceSeconds: z.number().refine((value) => (ROLL_GRACE_SECONDS as readonly number[]).includes(value)),
    })
    .strict();
  return run(input, secretAction({ schema, sensitive: true }), async ({ actor, data, context }) => {
    const result = await rollSecret({ actor, ...data, context });
    if (!result.ok) return result;
    return {
      ok: true,
      plaintext: result.plaintext,
      secret: created(result.secret),
      deactivateAt: result.deactivateAt.toISOString(),
    };
  });
}

/** The allowlist as typed (addresses and ranges, separated by spaces, commas or lines), normalized and deduplicated. */
const rangesField = z.string().transform((text, context) => {
  const entries = text.split(/[\s,]+/).filter(Boolean);
  const invalid = entries.filter((entry) => normalizeCidr(entry) === null);
  if (invalid.length > 0) {
    context.addIssue({
      code: 'custom',
      message: `Not an IPv4 or IPv6 address or range: ${invalid.slice(0, 5).join(', ')}`,
    });
    return z.NEVER;
  }
  const ranges = [...new Set(entries.map((entry) => normalizeCidr(entry)!))];
  if (ranges.length > MAX_ALLOWED_RANGES) {
    context.addIssue({ code: 'custom', message: `Use at most ${MAX_ALLOWED_RANGES} ranges.` });
    return z.NEVER;
  }
  return ranges;
});

export async function setAllowedRangesAction(input: unknown): Promise<ActionResult<{ ranges: string[] }>> {
  const options = secretAction({
    schema: z.object({ credentialId, ranges: z.string().max(5000) }).strict(),
    invalid: INVALID_REQUEST,
    fields: z.object({ ranges: rangesField }),
    sensitive: true,
  });
  return run(input, options, async ({ actor, data, context }) => {
    const result = await setAllowedCidrs({ actor, credentialId: data.credentialId, cidrs: data.ranges, context });
    return result.ok ? { ok: true, ranges: data.ranges } : result;
  });
}

/** Deactivates or deletes several secrets, each under the same rules as one; reports what happened to each. */
export async function bulkCredentialsAction(
  input: unknown,
): Promise<ActionResult<{ done: string[]; failed: { credentialId: string; message: string }[] }>> {
  const schema = z
    .object({ credentialIds: z.array(credentialId).min(1).max(100), action: z.enum(['deactivate', 'delete']) })
    .strict();
  return run(input, secretAction({ schema }), async ({ actor, data, context }) => {
    const done: string[] = [];
    const failed: { credentialId: string; message: string }[] = [];
    for (const id of new Set(data.credentialIds)) {
      const command = data.action === 'deactivate' ? deactivateCredential : deleteCredential;
      const result = await command({ actor, credentialId: id, context });
      if (result.ok) done.push(id);
      else if (result.code === 'forbidden') return result;
      else failed.push({ credentialId: id, message: result.message });
    }
    return { ok: true, done, failed };
  });
}

/** What deactivating would interrupt: tokens in the last hour and day, the last use, unexpired tokens. */
export async function getCredentialUsageAction(input: unknown): Promise<ActionResult<{ usage: UsageSummary }>> {
  // A read: nothing to revalidate, and a viewer learns nothing about usage (it looks like a missing secret).
  return run(
    input,
    secretAction({ schema: transitionSchema, revalidate: false }),
    async ({ actor, data }): Promise<Result<{ usage: UsageSummary }>> => {
      if (!canManageCredentials(actor)) return notFound();
      const usage = await getUsageSummary({
        organizationId: actor.membership.organizationId,
        credentialId: data.credentialId,
      });
      return usage ? { ok: true, usage } : notFound();
    },
  );
}

export async function makeDecoyAction(input: unknown): Promise<ActionResult> {
  return run(input, secretAction({ schema: transitionSchema, sensitive: true }), ({ actor, data, context }) =>
    makeDecoy({ actor, ...data, context }),
  );
}

export async function acknowledgeAlertAction(input: unknown): Promise<ActionResult> {
  const options = secretAction({
    schema: z.object({ alertId: z.uuid() }).strict(),
    invalid: { ok: false, code: 'not_found', message: 'This alert was already acknowledged.' },
  });
  return run(input, options, ({ actor, data, context }) => acknowledgeAlert({ actor, ...data, context }));
}
