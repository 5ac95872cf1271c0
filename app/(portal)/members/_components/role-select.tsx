import type { Role } from '@/lib/generated/prisma/enums';

/** Admin or Viewer, as a labelled native select (the dialogs' one choice). */
export function RoleSelect({ id, defaultValue }: { id: string; defaultValue: Role }) {
  return (
    <div className="mt-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        Role
      </label>
      <select
        id={id}
        name="role"
        defaultValue={defaultValue}
        aria-describedby={`${id}-hint`}
        className="mt-1.5 block w-full rounded-md border-0 px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
      >
        <option value="VIEWER">Viewer</option>
        <option value="ADMIN">Admin</option>
      </select>
      <p id={`${id}-hint`} className="mt-1.5 text-sm text-slate-600">
        Viewers see credentials, webhooks and the request log. Admins also change them, and manage members.
      </p>
    </div>
  );
}
