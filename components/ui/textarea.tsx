import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

/** A multi-line field styled like Input, including the red ring of `aria-invalid`. */
export function Textarea({ className, ...props }: ComponentProps<'textarea'>) {
  return (
    <textarea
      className={cn(
        'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset',
        'placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-500',
        className,
      )}
      {...props}
    />
  );
}
