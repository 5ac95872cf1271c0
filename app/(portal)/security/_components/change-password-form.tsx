'use client';

import { useRef, useState, useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { DialogError } from '@/components/ui/dialog';
import { FieldError, Input } from '@/components/ui/input';
import { changePasswordAction } from '../account-actions';
import { UNREACHABLE } from '@/components/actions/unreachable';

const FIELDS = [
  { name: 'currentPassword', label: 'Current password', autoComplete: 'current-password' },
  { name: 'newPassword', label: 'New password', autoComplete: 'new-password', hint: 'At least 12 characters.' },
  { name: 'confirmPassword', label: 'Confirm new password', autoComplete: 'new-password' },
] as const;

export function ChangePasswordForm() {
  const form = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<{ message: string; fieldErrors?: Record<string, string> } | null>(null);
  const [pending, startTransition] = useTransition();

  function submit(data: FormData) {
    setError(null);
    startTransition(async () => {
      const input = Object.fromEntries(FIELDS.map((field) => [field.name, String(data.get(field.name) ?? '')]));
      const result = await changePasswordAction(input).catch(() => UNREACHABLE);
      if (!result.ok) {
        setError({ message: result.message, fieldErrors: 'fieldErrors' in result ? result.fieldErrors : undefined });
        return;
      }
      form.current?.reset();
      toast.success(
        result.endedSessions === 0
          ? 'Password changed.'
          : `Password changed. ${result.endedSessions === 1 ? 'Your other session was' : `Your ${result.endedSessions} other sessions were`} signed out.`,
      );
    });
  }

  return (
    <section aria-labelledby="password-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="border-b border-slate-200 px-4 py-4 sm:px-6">
        <h2 id="password-heading" className="text-base font-semibold text-slate-900">
          Change password
        </h2>
        <p className="mt-1 text-sm text-slate-600">Changing your password signs you out of every other session.</p>
      </div>
      <form
        ref={form}
        className="grid gap-x-4 px-4 py-4 sm:grid-cols-3 sm:px-6"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          submit(new FormData(event.currentTarget));
        }}
      >
        {FIELDS.map((field) => {
          const message = error?.fieldErrors?.[field.name];
          return (
            <div key={field.name}>
              <label htmlFor={field.name} className="block text-sm font-medium text-slate-700">
                {field.label}
              </label>
              <Input
                id={field.name}
                name={field.name}
                type="password"
                autoComplete={field.autoComplete}
                className="mt-1.5"
                aria-invalid={!!message}
                aria-describedby={'hint' in field ? `${field.name}-hint ${field.name}-error` : `${field.name}-error`}
              />
              {'hint' in field && (
                <p id={`${field.name}-hint`} className="mt-1 text-xs text-slate-500">
                  {field.hint}
                </p>
              )}
              <FieldError id={`${field.name}-error`} message={message} />
            </div>
          );
        })}
        <div className="sm:col-span-3">
          <DialogError message={error && !error.fieldErrors ? error.message : null} />
          <div className="mt-2 flex justify-end">
            <Button type="submit" disabled={pending}>
              {pending ? 'Changing…' : 'Change password'}
            </Button>
          </div>
        </div>
      </form>
    </section>
  );
}
