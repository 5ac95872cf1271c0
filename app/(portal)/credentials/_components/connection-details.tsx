import { CopyButton } from '@/components/ui/copy-button';

export function ConnectionDetails({
  authorizationBaseUrl,
  apiBaseUrl,
  clientId,
}: {
  authorizationBaseUrl: string;
  apiBaseUrl: string;
  clientId: string | null;
}) {
  const rows = [
    { label: 'Authorization base URL', value: authorizationBaseUrl, testId: undefined },
    { label: 'API base URL', value: apiBaseUrl, testId: undefined },
    { label: 'Client ID', value: clientId, testId: 'client-id' },
  ];
  return (
    <section aria-labelledby="connection-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <h2 id="connection-heading" className="border-b border-slate-200 px-4 py-4 text-base font-semibold sm:px-6">
        Connection details
      </h2>
      <dl className="divide-y divide-slate-100">
        {rows.map(({ label, value, testId }) => (
          <div key={label} className="flex flex-col gap-1.5 px-4 py-3.5 sm:flex-row sm:items-center sm:gap-4 sm:px-6">
            <dt className="text-sm font-medium text-slate-600 sm:w-52 sm:shrink-0">{label}</dt>
            <dd className="flex min-w-0 flex-1 items-center justify-between gap-3">
              {value ? (
                <>
                  <code
                    data-testid={testId}
                    className="min-w-0 truncate font-mono text-sm text-slate-900"
                    title={value}
                  >
                    {value}
                  </code>
                  <CopyButton value={value} label={`Copy ${label}`} showText={false} />
                </>
              ) : (
                <span className="text-sm text-slate-500">Not set up. Contact support.</span>
              )}
            </dd>
          </div>
        ))}
      </dl>
      <p className="border-t border-slate-200 px-4 py-3.5 text-sm text-slate-600 sm:px-6">
        Obtain access tokens with the OAuth 2.0 client credentials grant:{' '}
        <code className="font-mono text-xs break-all text-slate-800">POST {authorizationBaseUrl}/api/oauth/token</code>.{' '}
        <a href="/api/openapi.json" className="font-medium text-indigo-700 underline-offset-2 hover:underline">
          API reference (OpenAPI)
        </a>
      </p>
    </section>
  );
}
