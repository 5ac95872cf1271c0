import { Monitor } from 'lucide-react';
import { RelativeTime } from '@/components/local-time';
import { describeUserAgent } from '@/lib/auth/user-agent';
import { listLiveSessions } from '@/lib/data/sessions';
import { EndSessionButton, SignOutEverywhereButton } from './session-buttons';

/** The user's signed-in browsers, with a way to end any of them or all at once. */
export async function SessionsSection({
  userId,
  currentSessionId,
}: {
  userId: string;
  currentSessionId: string | null;
}) {
  const sessions = await listLiveSessions({ userId });
  return (
    <section aria-labelledby="sessions-heading" className="rounded-xl bg-white shadow-sm ring-1 ring-slate-900/5">
      <div className="flex flex-col gap-3 border-b border-slate-200 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <div>
          <h2 id="sessions-heading" className="text-base font-semibold text-slate-900">
            Sessions
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            Where you are signed in. Sign out of any session you do not recognise, then change your password.
          </p>
        </div>
        <SignOutEverywhereButton count={sessions.length} />
      </div>
      <ul className="divide-y divide-slate-200">
        {sessions.map((session) => {
          const current = session.id === currentSessionId;
          const browser = describeUserAgent(session.userAgent);
          return (
            <li
              key={session.id}
              className="flex flex-col gap-3 px-4 py-4 sm:flex-row sm:items-center sm:justify-between sm:px-6"
              data-testid="session-row"
            >
              <div className="flex min-w-0 items-start gap-3">
                <Monitor className="mt-0.5 size-5 shrink-0 text-slate-400" aria-hidden />
                <div className="min-w-0">
                  <p className="text-sm font-medium text-slate-900" title={session.userAgent ?? undefined}>
                    {browser}
                    {current && (
                      <span className="ml-2 rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-emerald-600/20">
                        This browser
                      </span>
                    )}
                  </p>
                  <p className="mt-0.5 text-sm text-slate-600">
                    {session.address ?? 'Unknown address'} · last seen{' '}
                    <RelativeTime iso={session.lastSeenAt.toISOString()} /> · signed in{' '}
                    <RelativeTime iso={session.createdAt.toISOString()} />
                  </p>
                </div>
              </div>
              <EndSessionButton
                sessionId={session.id}
                current={current}
                label={`${browser}, ${session.address ?? 'unknown address'}`}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
