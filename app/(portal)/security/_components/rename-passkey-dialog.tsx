'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import {
  Dialog,
  DialogActions,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogError,
  DialogTitle,
} from '@/components/ui/dialog';
import { FieldError, Input } from '@/components/ui/input';
import { renamePasskeyAction } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';

export function RenamePasskeyButton({ passkey }: { passkey: { id: string; name: string } }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(passkey.name);
  const { pending, error, setError, run } = useDialogAction();
  const nameError = error?.fieldErrors?.name;
  const fieldId = `passkey-name-${passkey.id}`;

  return (
    <>
      <Button
        variant="secondary"
        size="sm"
        aria-label={`Rename passkey ${passkey.name}`}
        onClick={() => {
          setName(passkey.name);
          setError(null);
          setOpen(true);
        }}
      >
        Rename
      </Button>
      <Dialog open={open} onOpenChange={(next) => !pending && setOpen(next)}>
        <DialogContent>
          <DialogTitle>Rename passkey</DialogTitle>
          <DialogDescription>A name that tells you which device or key this is.</DialogDescription>
          <form
            className="mt-5"
            onSubmit={(event) => {
              event.preventDefault();
              run(
                () => renamePasskeyAction({ passkeyId: passkey.id, name }),
                () => setOpen(false),
              );
            }}
          >
            <label htmlFor={fieldId} className="block text-sm font-medium text-slate-700">
              Name
            </label>
            <Input
              id={fieldId}
              className="mt-1.5"
              value={name}
              maxLength={64}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={!!nameError}
              aria-describedby={`${fieldId}-error`}
            />
            <FieldError id={`${fieldId}-error`} message={nameError} />
            <DialogError message={nameError ? null : error?.message} />
            <DialogActions>
              <DialogClose asChild>
                <Button variant="secondary" disabled={pending}>
                  Cancel
                </Button>
              </DialogClose>
              <Button type="submit" disabled={pending || name.trim() === passkey.name}>
                Save
              </Button>
            </DialogActions>
          </form>
        </DialogContent>
      </Dialog>
    </>
  );
}
