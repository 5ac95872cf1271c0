'use client';

import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import { type ConfirmActions, ConfirmIdentityDialog, type ConfirmMethods } from './confirm-identity-dialog';

type Result = { ok: boolean; code?: string };
type Ensure = <R extends Result>(action: () => Promise<R>) => Promise<R>;

const ReauthContext = createContext<Ensure | null>(null);

/**
 * Sensitive server actions answer `reauth_required` when the user's identity was last confirmed too long
 * ago. The provider then asks "Confirm it's you" and, once confirmed, runs the same action again, so the
 * user's one click completes what they asked for.
 */
export function ReauthProvider({
  methods,
  windowText,
  actions,
  children,
}: {
  methods: ConfirmMethods;
  windowText: string;
  actions: ConfirmActions;
  children: ReactNode;
}) {
  const [open, setOpen] = useState(false);
  const settle = useRef<((confirmed: boolean) => void) | null>(null);

  const ask = useCallback(
    () =>
      new Promise<boolean>((resolve) => {
        settle.current?.(false);
        settle.current = resolve;
        setOpen(true);
      }),
    [],
  );

  const finish = useCallback((confirmed: boolean) => {
    setOpen(false);
    settle.current?.(confirmed);
    settle.current = null;
  }, []);

  const ensure = useCallback<Ensure>(
    async (action) => {
      const first = await action();
      if (first.ok || first.code !== 'reauth_required') return first;
      return (await ask()) ? action() : first;
    },
    [ask],
  );

  return (
    <ReauthContext.Provider value={ensure}>
      {children}
      <ConfirmIdentityDialog open={open} methods={methods} windowText={windowText} actions={actions} onDone={finish} />
    </ReauthContext.Provider>
  );
}

/** Wraps a server action call so that a re-authentication request is answered and the action retried. */
export function useReauth(): Ensure {
  return useContext(ReauthContext) ?? ((action) => action());
}
