'use client';

import { UserPlus } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { Field } from '@/components/ui/input';
import { inviteMemberAction } from '../actions';
import { RoleSelect } from './role-select';

/** Invite member: an email and a role; the person is emailed a link that works once, for seven days. */
export function InviteMemberButton({ organizationName }: { organizationName: string }) {
  const [open, setOpen] = useState(false);
  const { pending, error, run } = useDialogAction(open);
  return (
    <>
      <Button onClick={() => setOpen(true)}>
        <UserPlus className="size-4" aria-hidden />
        Invite member
      </Button>
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title="Invite member"
        description={`We email them a link to join ${organizationName}. It works once, for seven days.`}
        submitLabel="Send invitation"
        pending={pending}
        error={error}
        onSubmit={(form) =>
          run(
            () =>
              inviteMemberAction({
                email: String(form.get('email') ?? ''),
                role: String(form.get('role') ?? ''),
              }),
            (result) => {
              toast.success(`Invitation sent to ${result.email}.`);
              setOpen(false);
            },
          )
        }
      >
        <Field
          id="invite-email"
          name="email"
          type="email"
          label="Email"
          autoComplete="off"
          maxLength={254}
          required
          autoFocus
          error={error?.fieldErrors?.email}
        />
        <RoleSelect id="invite-role" defaultValue="VIEWER" />
      </FormDialog>
    </>
  );
}
