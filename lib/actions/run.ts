import 'server-only';
import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import type { Actor } from '@/lib/identity/actor';
import type { RequestContext } from '@/lib/data/audit';
import { getActor } from '@/lib/auth/session';
import { REAUTH_REQUIRED, needsReauthentication } from '@/lib/identity/reauth';
import { enrollMessage, mustEnrollTwoFactor, type TwoFactorGuarded } from '@/lib/identity/two-factor-policy';
import { requestContext } from '@/lib/http/request';
import { UNAVAILABLE_ACTION_RESULT, retryableOnOutage } from '@/lib/http/unavailable';
import { fail, fieldErrorsOf, type Failure, type Result } from '@/lib/result';

/**
 * What a server action sends to the browser. The browser acts on two codes only, so only those cross the
 * wire: `reauth_required` (ask "Confirm it's you", then run the action again) and an outage (`retryable`).
 * Every other failure is its message, with the field errors that belong next to inputs.
 */
export type ActionFailure =
  | { ok: false; message: string; fieldErrors?: Record<string, string> }
  | { ok: false; code: 'reauth_required'; message: string }
  | typeof UNAVAILABLE_ACTION_RESULT;

export type ActionResult<T = object> = ({ ok: true } & T) | ActionFailure;

/** The one mapper from a command's failure to a server action's answer. */
export function toActionFailure(failure: Failure): ActionFailure {
  if (failure.code === 'reauth_required') return { ok: false, code: 'reauth_required', message: failure.message };
  if (failure.code === 'unavailable') return UNAVAILABLE_ACTION_RESULT;
  const fieldErrors = fieldErrorsOf(failure);
  return fieldErrors ? { ok: false, message: failure.message, fieldErrors } : { ok: false, message: failure.message };
}

export const SIGNED_OUT = fail('signed_out', 'Your session has ended. Sign in again to continue.');
export const INVALID_REQUEST = fail('invalid_input', 'The request was not understood. Reload the page and try again.');

/** A zod schema's issues as field errors, keyed by the first element of each issue's path (first issue wins). */
export function issuesAsFieldErrors(error: z.ZodError): Failure {
  const fieldErrors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? '');
    if (key && !(key in fieldErrors)) fieldErrors[key] = issue.message;
  }
  return {
    ok: false,
    code: 'invalid_input',
    message: error.issues[0]?.message ?? INVALID_REQUEST.message,
    fieldErrors,
  };
}

export interface RunOptions<S extends z.ZodType, F extends z.ZodType | undefined> {
  /** Validates the input's shape; failing it answers `invalid`. */
  schema: S;
  /** The answer to input that fails `schema` (default: "The request was not understood"). */
  invalid?: Failure | ((error: z.ZodError, input: unknown) => Failure);
  /**
   * Checks the values a person typed, after `schema` and before re-authentication: its issues become field
   * errors, and its output is merged into the data the command gets.
   */
  fields?: F;
  /** Needs a recent confirmation of identity; a function limits that to the actors it returns true for. */
  sensitive?: boolean | ((actor: Actor) => boolean);
  /** Refused to an actor who must first enroll a second factor for this. */
  twoFactor?: TwoFactorGuarded;
  /** Revalidated after a success only; false for none. */
  revalidate?: false | { path: string; type?: 'layout' | 'page' };
}

type Data<S extends z.ZodType, F extends z.ZodType | undefined> = z.infer<S> &
  (F extends z.ZodType ? z.output<F> : unknown);

export interface ActionCall<D> {
  actor: Actor;
  data: D;
  context: RequestContext;
}

/**
 * Every server action runs through here, once: the signed-in check (the session is read once), two-factor
 * enrollment where required, schema validation, field checks, re-authentication for sensitive actions, the
 * command, and revalidation on success only. An unreachable database gives a retryable "can't reach the
 * service" answer instead of a 500.
 */
export async function run<S extends z.ZodType, T extends object, F extends z.ZodType | undefined = undefined>(
  input: unknown,
  options: RunOptions<S, F>,
  command: (call: ActionCall<Data<S, F>>) => Promise<Result<T>>,
): Promise<ActionResult<T>> {
  const result = await retryableOnOutage(async (): Promise<Result<T>> => {
    const actor = await getActor();
    if (!actor) return SIGNED_OUT;
    if (options.twoFactor && mustEnrollTwoFactor(actor, options.twoFactor)) {
      return fail('enroll_two_factor', enrollMessage(options.twoFactor));
    }
    const parsed = options.schema.safeParse(input);
    if (!parsed.success) {
      const { invalid = INVALID_REQUEST } = options;
      return typeof invalid === 'function' ? invalid(parsed.error, input) : invalid;
    }
    let data = parsed.data as Data<S, F>;
    if (options.fields) {
      const checked = options.fields.safeParse(data);
      if (!checked.success) return issuesAsFieldErrors(checked.error);
      data = { ...(data as object), ...(checked.data as object) } as Data<S, F>;
    }
    const { sensitive = false } = options;
    if ((typeof sensitive === 'function' ? sensitive(actor) : sensitive) && needsReauthentication(actor))
      return REAUTH_REQUIRED;
    const outcome = await command({ actor, data, context: await requestContext() });
    if (outcome.ok && options.revalidate) revalidatePath(options.revalidate.path, options.revalidate.type);
    return outcome;
  });
  if ('retryable' in result) return result;
  if (!result.ok) return toActionFailure(result);
  return result;
}
