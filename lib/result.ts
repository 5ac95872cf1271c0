/**
 * What every command returns, from the data layer to the server actions: callers turn failures into
 * messages, never into exceptions. A failure says what went wrong (`code`), in words for a person
 * (`message`), and which input it concerns (`field`, or `fieldErrors` for several).
 */
export type ErrorCode =
  | 'signed_out'
  | 'enroll_two_factor'
  | 'reauth_required'
  | 'invalid_input'
  | 'invalid_code'
  | 'invalid_credentials'
  | 'expired'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unavailable';

export type Failure<C extends ErrorCode = ErrorCode> = {
  ok: false;
  code: C;
  message: string;
  field?: string;
  fieldErrors?: Record<string, string>;
};

export type Result<T extends object = object, C extends ErrorCode = ErrorCode> = ({ ok: true } & T) | Failure<C>;

/** The data layer's narrower name for a command that can only be refused, missing or in conflict. */
export type CommandResult<T extends object = object> = Result<T, 'forbidden' | 'not_found' | 'conflict'>;

export function fail<C extends ErrorCode>(code: C, message: string, field?: string): Failure<C> {
  return field ? { ok: false, code, message, field } : { ok: false, code, message };
}

export const forbidden = (message = 'You need the Admin role to manage credentials.') =>
  ({ ok: false, code: 'forbidden', message }) as const;

export const notFound = (message = 'This secret no longer exists. Reload the page to see the current list.') =>
  ({ ok: false, code: 'not_found', message }) as const;

export const conflict = (message: string) => ({ ok: false, code: 'conflict', message }) as const;

export const invalidInput = (message: string, field?: string) => fail('invalid_input', message, field);

/** Field errors of a failure: the explicit map, or the one field it names. */
export function fieldErrorsOf(failure: Failure): Record<string, string> | undefined {
  if (failure.fieldErrors) return failure.fieldErrors;
  return failure.field ? { [failure.field]: failure.message } : undefined;
}
