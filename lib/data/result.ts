/** What a data-layer command returns: callers turn failures into messages, never into exceptions. */
export type CommandResult<T = object> =
  | ({ ok: true } & T)
  | { ok: false; code: 'forbidden' | 'not_found' | 'conflict'; message: string };

export const forbidden = (message = 'You need the Admin role to manage secrets.') =>
  ({ ok: false, code: 'forbidden', message }) as const;

export const notFound = (message = 'This secret no longer exists. Reload the page to see the current list.') =>
  ({ ok: false, code: 'not_found', message }) as const;

export const conflict = (message: string) => ({ ok: false, code: 'conflict', message }) as const;
