import { KeyRound } from 'lucide-react';
import { LocalTime, RelativeTime } from '@/components/local-time';
import type { SecretListItem } from '@/lib/data/secrets';
import { SecretStatusBadge } from './secret-status-badge';
import { SecretRowActions } from './secret-row-actions';

export function SecretsTable({ secrets, canManage }: { secrets: SecretListItem[]; canManage: boolean }) {
  if (secrets.length === 0) {
    return (
      <div className="flex flex-col items-center px-6 py-12 text-center">
        <span className="grid size-10 place-items-center rounded-full bg-slate-100 text-slate-500">
          <KeyRound className="size-5" aria-hidden />
        </span>
        <p className="mt-3 text-sm font-medium text-slate-900">No secrets yet</p>
        <p className="mt-1 max-w-sm text-sm text-slate-600">
          {canManage
            ? 'Add a secret to authenticate your SDK or your calls to the REST API.'
            : 'An admin of your organization can add one.'}
        </p>
      </div>
    );
  }

  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Secrets of your organization</caption>
        <thead className="bg-slate-50 text-xs font-medium tracking-wide text-slate-500 uppercase">
          <tr>
            <th scope="col" className="px-4 py-2.5 sm:px-6">
              Secret
            </th>
            <th scope="col" className="hidden px-4 py-2.5 md:table-cell">
              Created
            </th>
            <th scope="col" className="hidden px-4 py-2.5 sm:table-cell">
              Last used
            </th>
            <th scope="col" className="px-4 py-2.5">
              Status
            </th>
            {canManage && (
              <th scope="col" className="w-14 px-4 py-2.5 sm:pr-6">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {secrets.map((secret) => {
            const createdAt = secret.createdAt.toISOString();
            const createdBy = secret.createdByName ?? 'a removed user';
            const lastUsed = secret.lastUsedAt ? <RelativeTime iso={secret.lastUsedAt.toISOString()} /> : 'Never';
            return (
              <tr key={secret.id} data-testid="secret-row" className="align-middle">
                <td className="px-4 py-3 sm:px-6">
                  <code className="font-mono text-sm text-slate-900">{secret.preview}</code>
                  <p className="mt-0.5 text-xs text-slate-500 md:hidden">
                    Created <LocalTime iso={createdAt} /> by {createdBy}
                  </p>
                  <p className="mt-0.5 text-xs text-slate-500 sm:hidden">Last used {lastUsed}</p>
                </td>
                <td className="hidden px-4 py-3 text-slate-600 md:table-cell">
                  <LocalTime iso={createdAt} />
                  <span className="block text-xs text-slate-500">by {createdBy}</span>
                </td>
                <td className="hidden px-4 py-3 text-slate-600 sm:table-cell">
                  {lastUsed}
                </td>
                <td className="px-4 py-3">
                  <SecretStatusBadge status={secret.status} />
                </td>
                {canManage && (
                  <td className="px-4 py-3 text-right sm:pr-6">
                    <SecretRowActions secretId={secret.id} preview={secret.preview} status={secret.status} />
                  </td>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
