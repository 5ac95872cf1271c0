'use client';

import { useEffect, useState, useTransition } from 'react';
import { useReauth } from '@/components/auth/reauth-provider';
import type { Answer } from './answer';
import { UNREACHABLE } from './unreachable';

export type DialogActionError = { message: string; fieldErrors?: Record<string, string> } | null;

/**
 * Runs an action, keeping the dialog open with the error on failure (never a success toast after a failure).
 * A sensitive action that answers `reauth_required` asks "Confirm it's you" and runs again once confirmed.
 */
export function useDialogAction(open?: boolean) {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<DialogActionError>(null);
  // Given whether its dialog is open, the dialog opens without the error of its last use.
  useEffect(() => {
    if (open) setError(null);
  }, [open]);
  function run<T>(action: () => Promise<Answer<T>>, onSuccess: (result: { ok: true } & T) => void) {
    setError(null);
    startTransition(async () => {
      const result = await ensure(action).catch(() => UNREACHABLE);
      if (result.ok) onSuccess(result as { ok: true } & T);
      else setError({ message: result.message, fieldErrors: 'fieldErrors' in result ? result.fieldErrors : undefined });
    });
  }
  return { pending, error, setError, run };
}
