'use client';

import { useState, type ReactNode } from 'react';
import { Button, type ButtonProps } from '@/components/ui/button';
import { ConfirmDialog } from '@/components/ui/alert-dialog';
import type { SecurityActionResult } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';

/** A button that asks for confirmation in an alert dialog, runs the action, and stays open on failure. */
export function ConfirmButton<T>({
  label,
  title,
  description,
  confirmLabel,
  action,
  onDone,
  variant = 'secondary',
  confirmVariant = 'danger',
  ...buttonProps
}: {
  label: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  action: () => Promise<SecurityActionResult<T>>;
  onDone?: (result: { ok: true } & T) => void;
  confirmVariant?: 'danger' | 'primary';
} & Omit<ButtonProps, 'onClick' | 'children' | 'title'>) {
  const [open, setOpen] = useState(false);
  const { pending, error, setError, run } = useDialogAction();
  return (
    <>
      <Button
        variant={variant}
        size="sm"
        {...buttonProps}
        onClick={() => {
          setError(null);
          setOpen(true);
        }}
      >
        {label}
      </Button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={title}
        description={description}
        pending={pending}
        error={error?.message}
        confirmLabel={confirmLabel}
        variant={confirmVariant}
        onConfirm={() =>
          run(action, (result) => {
            setOpen(false);
            onDone?.(result);
          })
        }
      />
    </>
  );
}
