import type { Metadata } from 'next';
import Link from 'next/link';
import { Logo } from '@/components/logo';

export const metadata: Metadata = { title: 'Page not found' };

/** Every 404: an address that leads nowhere, and a page or record this user may not see (which look alike). */
export default function NotFound() {
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm">
        <div className="mb-8 flex justify-center">
          <Logo />
        </div>
        <div className="rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-900/5 sm:p-8">
          <h1 className="text-xl font-semibold">Page not found</h1>
          <p className="mt-1 text-sm text-slate-600">
            There is nothing here, or nothing you have access to. Check the address, or start again from the portal.
          </p>
          <Link
            href="/"
            className="mt-6 inline-block text-sm font-medium text-indigo-700 hover:text-indigo-800 hover:underline"
          >
            Back to the portal
          </Link>
        </div>
      </div>
    </main>
  );
}
