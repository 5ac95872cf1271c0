/** What a form or dialog shows when a server action's request got no answer (offline, or the portal is down). */
export const UNREACHABLE = {
  ok: false as const,
  message: 'The portal could not be reached. Check your connection and try again.',
};
