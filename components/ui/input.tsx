import type { ComponentProps } from 'react';
import { cn } from '@/lib/utils';

export function Input({ className, ...props }: ComponentProps<'input'>) {
  return (
    <input
      className={cn(
        'block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset',
        'placeholder:text-slate-400 focus:ring-2 focus:ring-indigo-600 focus:outline-none aria-[invalid=true]:ring-red-500',
        className,
      )}
      {...props}
    />
  );
}

export function FieldError({ id, message }: { id: string; message?: string | null }) {
  return (
    <p id={id} aria-live="polite" className="mt-1.5 min-h-5 text-sm text-red-700">
      {message}
    </p>
  );
}
