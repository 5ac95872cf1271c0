'use client';

import * as AlertDialogPrimitive from '@radix-ui/react-alert-dialog';
import type { ComponentProps, ReactNode } from 'react';
import { Button } from '@/components/ui/button';
import { DialogActions, DialogError } from '@/components/ui/dialog';
import { cn } from '@/lib/utils';

export const AlertDialog = AlertDialogPrimitive.Root;

export function AlertDialogContent({
  className,
  children,
  ...props
}: ComponentProps<typeof AlertDialogPrimitive.Content>) {
  return (
    <AlertDialogPrimitive.Portal>
      <AlertDialogPrimitive.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
      <AlertDialogPrimitive.Content
        className={cn(
          'fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-md -translate-x-1/2 -translate-y-1/2',
          'rounded-xl bg-white p-6 shadow-xl ring-1 ring-slate-900/10 focus:outline-none',
          className,
        )}
        {...props}
      >
        {children}
      </AlertDialogPrimitive.Content>
    </AlertDialogPrimitive.Portal>
  );
}

export function AlertDialogTitle({ className, ...props }: ComponentProps<typeof AlertDialogPrimitive.Title>) {
  return <AlertDialogPrimitive.Title className={cn('text-lg font-semibold text-slate-900', className)} {...props} />;
}

export function AlertDialogDescription({
  className,
  ...props
}: ComponentProps<typeof AlertDialogPrimitive.Description>) {
  return <AlertDialogPrimitive.Description className={cn('mt-2 text-sm text-slate-600', className)} {...props} />;
}

/** Cancel and a confirming button, both disabled while the confirmed action runs. */
export function ConfirmActions({
  pending,
  onConfirm,
  children,
  variant = 'danger',
}: {
  pending: boolean;
  onConfirm: () => void;
  children: ReactNode;
  variant?: 'danger' | 'primary';
}) {
  return (
    <DialogActions>
      <AlertDialogPrimitive.Cancel asChild>
        <Button variant="secondary" disabled={pending}>
          Cancel
        </Button>
      </AlertDialogPrimitive.Cancel>
      <Button variant={variant} disabled={pending} onClick={onConfirm}>
        {children}
      </Button>
    </DialogActions>
  );
}

/**
 * A confirmation in an alert dialog: title, description, what the caller adds (`children`), the error of the
 * last attempt, Cancel and the confirming button. It cannot be dismissed while the confirmed action runs.
 */
export function ConfirmDialog({
  open,
  onOpenChange,
  title,
  description,
  pending,
  error,
  confirmLabel,
  variant,
  onConfirm,
  children,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description: ReactNode;
  pending: boolean;
  error: string | null | undefined;
  confirmLabel: ReactNode;
  variant?: 'danger' | 'primary';
  onConfirm: () => void;
  children?: ReactNode;
}) {
  return (
    <AlertDialog open={open} onOpenChange={(next) => !pending && onOpenChange(next)}>
      <AlertDialogContent>
        <AlertDialogTitle>{title}</AlertDialogTitle>
        <AlertDialogDescription>{description}</AlertDialogDescription>
        {children}
        <DialogError message={error} />
        <ConfirmActions pending={pending} variant={variant} onConfirm={onConfirm}>
          {confirmLabel}
        </ConfirmActions>
      </AlertDialogContent>
    </AlertDialog>
  );
}
