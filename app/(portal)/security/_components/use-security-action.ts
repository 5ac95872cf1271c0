'use client';

import { useState, useTransition } from 'react';
import { useReauth } from '@/components/auth/reauth-provider';
import type { SecurityActionResult } from '../actions';

const UNREACHABLE = {
  ok: false as const,
  message: 'The portal could not be reached. Check your connection and try again.',
};

export type ActionError = { message: string; fieldErrors?: Record<string, string> } | null;

/**
 * Runs a security action, first confirming the user's identity when the action asks for it; a failure
 * stays in the dialog as its error, never followed by success.
 */
export function useSecurityAction() {
  const ensure = useReauth();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<ActionError>(null);
  function run<T>(action: () => Promise<SecurityActionResult<T>>, onSuccess: (result: { ok: true } & T) => void) {
    setError(null);
    startTransition(async () => {
      const result = await ensure(action).catch(() => UNREACHABLE);
      if (result.ok) onSuccess(result as { ok: true } & T);
      else setError({ message: result.message, fieldErrors: 'fieldErrors' in result ? result.fieldErrors : undefined });
    });
  }
  return { pending, error, setError, run };
}
