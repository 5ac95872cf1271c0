'use client';

import { useState, useTransition } from 'react';
import { useReauth } from '@/components/auth/reauth-provider';
import type { FormDialogError } from '@/components/ui/form-dialog';
import type { ActionResult } from '../actions';

const UNREACHABLE = {
  ok: false as const,
  message: 'The portal could not be reached. Check your connection and try again.',
};

/**
 * Runs an action, keeping the dialog open with the error on failure (never a success toast after a failure).
 * A sensitive action that answers `reauth_required` asks "Confirm it's you" and runs again once confirmed.
 */
export function useDialogAction() {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<FormDialogError>(null);
  function run<T>(action: () => Promise<ActionResult<T>>, onSuccess: (result: { ok: true } & T) => void) {
    setError(null);
    startTransition(async () => {
      const result = await ensure(action).catch(() => UNREACHABLE);
      if (result.ok) onSuccess(result as { ok: true } & T);
      else setError({ message: result.message, fieldErrors: 'fieldErrors' in result ? result.fieldErrors : undefined });
    });
  }
  return { pending, error, setError, run };
}
