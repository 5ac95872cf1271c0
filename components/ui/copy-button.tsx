'use client';

import { Check, Copy } from 'lucide-react';
import { useEffect, useState } from 'react';
import { Button, type ButtonProps } from '@/components/ui/button';

/**
 * Copies `value` to the clipboard. Its accessible name stays the same after a
 * copy (tests and screen readers find it by name); the confirmation is announced
 * through a polite live region instead.
 */
export function CopyButton({
  value,
  label = 'Copy',
  showText = true,
  ...props
}: { value: string; label?: string; showText?: boolean } & Omit<ButtonProps, 'onClick' | 'value'>) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');

  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  }

  return (
    <span className="inline-flex items-center gap-2">
      <Button variant="secondary" size={showText ? 'sm' : 'icon'} aria-label={label} onClick={copy} {...props}>
        {state === 'copied' ? (
          <Check className="size-4 text-emerald-600" aria-hidden />
        ) : (
          <Copy className="size-4" aria-hidden />
        )}
        {showText && <span>Copy</span>}
      </Button>
      <span role="status" aria-live="polite" className={state === 'idle' ? 'sr-only' : 'text-xs text-slate-500'}>
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text and copy it' : ''}
      </span>
    </span>
  );
}
