import Link from 'next/link';
import { ShieldAlert } from 'lucide-react';
import { Button } from '@/components/ui/button';
import { ENROLL_TO_OPEN_SUPPORT } from '@/lib/identity/two-factor-policy';

/** In place of the support console for staff without a second factor: no customer data, a way forward. */
export function TwoFactorRequired({ title }: { title: string }) {
  return (
    <div className="space-y-8">
      <header>
        <p className="text-sm text-slate-500">Support</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{title}</h1>
      </header>
      <section
        aria-labelledby="two-factor-required-heading"
        className="flex flex-col gap-4 rounded-xl bg-amber-50 p-5 ring-1 ring-amber-600/30 sm:flex-row sm:items-start"
      >
        <ShieldAlert className="size-6 shrink-0 text-amber-700" aria-hidden />
        <div className="min-w-0">
          <h2 id="two-factor-required-heading" className="font-semibold text-amber-950">
            {ENROLL_TO_OPEN_SUPPORT}
          </h2>
          <p className="mt-1 text-sm text-amber-900">
            Support staff can reach every customer&apos;s credentials, so the console opens only to accounts protected
            by an authenticator app or a passkey.
          </p>
          <Button asChild className="mt-4">
            <Link href="/security">Set up two-factor authentication</Link>
          </Button>
        </div>
      </section>
    </div>
  );
}
