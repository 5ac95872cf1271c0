// The yardstick of npm run bench:portal: a page laid out like the credentials page (sidebar, breadcrumb,
// connection details, a table of credentials, code examples), rendered with React on every request by a bare
// node:http server, with no database, no session and no Next.js; and a button that asks this server for a
// value and shows it in a dialog. It imports nothing from the project, so it costs the same on every commit:
// only what loads the machine moves it, which is what the benchmark divides by.
// It lists 100 rows, whatever the project's page lists: enough work per page (a few milliseconds) that the load
// generator's own cost does not dominate it, as it would for a small page served at thousands a second.
// Usage: tsx scripts/bench/reference-portal-server.tsx <port>
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { renderToString } from 'react-dom/server';

const port = Number(process.argv[2] ?? 3435);
const rowCount = 100;

const NAV = ['Credentials', 'Audit log', 'Security', 'Documentation', 'Status'];

function Row({ n }: { n: number }) {
  const active = n % 2 === 0;
  return (
    <tr data-testid="secret-row" className="align-middle">
      <td className="pr-0 sm:pl-6">
        <input type="checkbox" aria-label={`Select secret uqs_…${1000 + n}`} />
      </td>
      <td className="sm:px-6">
        <a href={`/credentials/${n}`} className="font-medium text-slate-900 hover:text-indigo-700 hover:underline">
          Baseline {n}
        </a>
        <span className="mt-0.5 flex flex-wrap items-baseline gap-x-2">
          <span className="text-[11px] text-slate-500">Secret</span>
          <code className="max-w-72 min-w-0 font-mono text-xs break-all text-slate-600">uqs_…{1000 + n}</code>
        </span>
      </td>
      <td className="hidden lg:table-cell">
        <span className="rounded bg-slate-100 px-1.5 text-xs">read</span>
        <span className="rounded bg-slate-100 px-1.5 text-xs">write</span>
      </td>
      <td className="hidden whitespace-nowrap text-slate-600 md:table-cell">
        <time dateTime="2026-11-29T00:00:00.000Z">29 Nov 2026</time>
        <span className="block text-xs text-slate-500">by Ada Admin</span>
      </td>
      <td className="hidden whitespace-nowrap text-slate-600 sm:table-cell">Never</td>
      <td>
        <span className={active ? 'rounded bg-emerald-50 text-emerald-700' : 'rounded bg-slate-100 text-slate-600'}>
          {active ? 'Active' : 'Disabled'}
        </span>
      </td>
      <td className="text-right sm:pr-6">
        <button type="button" aria-label={`Actions for secret uqs_…${1000 + n}`} className="size-9 rounded-md">
          …
        </button>
      </td>
    </tr>
  );
}

function Page({ rows }: { rows: number }) {
  return (
    <body className="min-h-dvh bg-slate-50 text-slate-900 antialiased">
      <div className="min-h-dvh lg:flex">
        <aside className="hidden w-64 shrink-0 flex-col border-r border-slate-200 bg-white lg:fixed lg:flex">
          <nav aria-label="Portal" className="flex-1 px-3 py-4">
            <ul>
              {NAV.map((item) => (
                <li key={item}>
                  <a href={`/${item.toLowerCase()}`} className="block rounded-md px-3 py-2 text-sm font-medium">
                    {item}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="border-t border-slate-200 px-5 py-4">
            <p className="truncate text-sm font-medium text-slate-900">Ada Admin</p>
            <p className="truncate text-xs text-slate-500">Acme Corp · Admin</p>
          </div>
        </aside>
        <main className="min-w-0 flex-1 lg:pl-64">
          <div className="mx-auto max-w-5xl space-y-8 px-4 py-6 sm:px-8 sm:py-10">
            <header>
              <nav aria-label="Breadcrumb" className="flex items-center gap-1 text-sm text-slate-500">
                <span>Development</span>
                <span aria-current="page">Credentials</span>
              </nav>
              <h1 className="mt-2 text-2xl font-semibold tracking-tight">Credentials</h1>
              <p className="mt-2 max-w-2xl text-sm text-slate-600">
                Secrets are authentication credentials associated with your account.
              </p>
            </header>
            <section aria-label="Connection details" className="rounded-xl bg-white p-6 shadow-sm">
              <dl className="grid gap-4 sm:grid-cols-3">
                <dt>Authorization base URL</dt>
                <dd>
                  <code>http://localhost/api/oauth</code>
                </dd>
                <dt>API base URL</dt>
                <dd>
                  <code>http://localhost/api/v1</code>
                </dd>
                <dt>Client ID</dt>
                <dd>
                  <code>0123456789abcdef01234567</code>
                </dd>
              </dl>
            </section>
            <section aria-labelledby="secrets-heading" className="rounded-xl bg-white shadow-sm">
              <h2 id="secrets-heading" className="text-base font-semibold">
                Secrets and public keys
              </h2>
              <table className="w-full text-sm">
                <caption className="sr-only">Secrets and public keys of your organization</caption>
                <thead>
                  <tr>
                    <th>
                      <input type="checkbox" aria-label="Select all secrets" />
                    </th>
                    <th>Name</th>
                    <th>Scopes</th>
                    <th>Created</th>
                    <th>Last used</th>
                    <th>Status</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {Array.from({ length: rows }, (_, i) => i + 1).map((n) => (
                    <Row key={n} n={n} />
                  ))}
                </tbody>
              </table>
              <div className="flex justify-end gap-3 border-t border-slate-200 px-4 py-4">
                <p className="text-sm text-slate-600">
                  {rows} of 200 secrets. Delete one to add another when you reach the limit.
                </p>
                <button type="button" className="rounded-md bg-indigo-600 px-3 py-2 text-white">
                  Add Secret
                </button>
              </div>
              <pre className="overflow-x-auto bg-slate-900 p-4 text-xs text-slate-50">
                <code>{`curl -X POST http://localhost/api/oauth/token \\\n  -d grant_type=client_credentials`}</code>
              </pre>
            </section>
          </div>
        </main>
      </div>
    </body>
  );
}

// The click reference: press the button, the page asks this server for a value and shows it in a dialog.
const CLICK_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Reference</title></head><body>
<button type="button" id="add">Add Secret</button>
<script>
document.getElementById('add').addEventListener('click', async () => {
  const { value } = await (await fetch('/secret', { method: 'POST' })).json();
  const dialog = document.createElement('div');
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-label', 'New secret created');
  const shown = document.createElement('div');
  shown.dataset.testid = 'secret-value';
  shown.textContent = value;
  const close = document.createElement('button');
  close.type = 'button';
  close.textContent = 'Close';
  close.addEventListener('click', () => dialog.remove());
  dialog.append(shown, close);
  document.body.append(dialog);
});
</script></body></html>`;

http
  .createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/secret') {
      req.resume();
      const body = JSON.stringify({ value: `uqs_${randomBytes(32).toString('base64url')}` });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    } else if (req.url === '/click') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(CLICK_PAGE);
    } else if (req.url === '/credentials') {
      const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Credentials</title></head>${renderToString(<Page rows={rowCount} />)}</html>`;
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
      res.end(html);
    } else {
      res.writeHead(404).end();
    }
  })
  .listen(port, '127.0.0.1', () => console.log(`reference portal ready on http://127.0.0.1:${port}`));
