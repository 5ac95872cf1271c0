'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { ShowOnceDialog } from '@/components/ui/show-once-dialog';
import { ShowOnceActions } from '@/components/ui/show-once-actions';
import { FieldError, Input } from '@/components/ui/input';
import { makeDecoyAction, renameCredentialAction } from '../actions';
import { useDialogAction } from '@/components/actions/use-dialog-action';

export interface CreatedSecret {
  id: string;
  name: string;
  preview: string;
  value: string;
  /** Set when the secret replaces a rolled one, which stops at this instant. */
  /** `deactivateAt` is null when the old secret stops at once (no grace period). */
  rolled?: { oldName: string; deactivateAt: string | null };
}

/** Names the secret that was just created; creation itself never waits for a name. */
function NameField({ secret }: { secret: CreatedSecret }) {
  const { pending, error, setError, run } = useDialogAction();
  const [saved, setSaved] = useState(secret.name);
  const [value, setValue] = useState(secret.name);
  const message = error?.fieldErrors?.name ?? error?.message;
  return (
    <form
      className="mt-5"
      onSubmit={(event) => {
        event.preventDefault();
        run(
          () => renameCredentialAction({ credentialId: secret.id, name: value }),
          (result) => setSaved(result.name),
        );
      }}
    >
      <label htmlFor="new-secret-name" className="block text-sm font-medium text-slate-700">
        Name
      </label>
      <div className="mt-1.5 flex gap-2">
        <Input
          id="new-secret-name"
          value={value}
          maxLength={64}
          onChange={(event) => {
            setValue(event.target.value);
            setError(null);
          }}
          aria-invalid={!!message}
          aria-describedby="new-secret-name-status"
        />
        <Button type="submit" variant="secondary" disabled={pending || value.trim() === saved}>
          Save name
        </Button>
      </div>
      {message ? (
        <FieldError id="new-secret-name-status" message={message} />
      ) : (
        <p id="new-secret-name-status" aria-live="polite" className="mt-1.5 min-h-5 text-sm text-slate-500">
          {saved !== secret.name ? `Saved as “${saved}”.` : ''}
        </p>
      )}
    </form>
  );
}

/** Turns the new (still disabled) secret into a decoy instead of a working secret. */
function DecoyOption({ secret }: { secret: CreatedSecret }) {
  const { pending, error, run } = useDialogAction();
  const [done, setDone] = useState(false);
  return (
    <div className="mt-1 rounded-lg bg-slate-50 px-3 py-2.5 text-sm text-slate-700">
      {done ? (
        <p role="status">This secret is now a decoy: it will never work, and any attempt to use it raises an alarm.</p>
      ) : (
        <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:justify-between">
          <p>Planting it as bait? A decoy never works and alerts you when someone tries it.</p>
          <Button
            variant="secondary"
            size="sm"
            disabled={pending}
            onClick={() =>
              run(
                () => makeDecoyAction({ credentialId: secret.id }),
                () => setDone(true),
              )
            }
          >
            Use as decoy
          </Button>
        </div>
      )}
      {error && (
        <p role="alert" className="mt-2 text-red-700">
          {error.message}
        </p>
      )}
    </div>
  );
}

export function SecretCreatedDialog({ secret, onClose }: { secret: CreatedSecret | null; onClose: () => void }) {
  return (
    <ShowOnceDialog
      open={secret !== null}
      onClose={onClose}
      title={secret?.rolled ? 'Replacement secret created' : 'New secret created'}
      description="Copy it to your clipboard or download it as a text file, and keep it somewhere safe."
      value={secret?.value ?? ''}
      testId="secret-value"
      warning={
        <>
          Save your secret now. You can&apos;t read the secret&apos;s value again after you close this window.{' '}
          {secret?.rolled ? (
            <>
              It is already <strong>active</strong>. “{secret.rolled.oldName}” stops working{' '}
              {secret.rolled.deactivateAt === null
                ? 'now'
                : `at ${new Date(secret.rolled.deactivateAt).toLocaleString()}`}
              .
            </>
          ) : (
            <>
              It is created <strong>disabled</strong>: activate it from its row before you use it.
            </>
          )}
        </>
      }
    >
      {secret && (
        <>
          <NameField secret={secret} />
          {!secret.rolled && <DecoyOption secret={secret} />}
          <ShowOnceActions value={secret.value} filename={`client-secret-${secret.value.slice(-4)}.txt`} />
        </>
      )}
    </ShowOnceDialog>
  );
}
