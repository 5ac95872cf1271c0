/** What a server action answers, as far as a dialog needs it (lib/actions/run.ts gives every action this shape). */
export type Answer<T = object> =
  | ({ ok: true } & T)
  | { ok: false; message: string; fieldErrors?: Record<string, string>; code?: string };
