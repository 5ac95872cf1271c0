import 'server-only';
import { getServerSession } from 'next-auth';
import { redirect } from 'next/navigation';
import { authOptions } from '@/lib/auth/options';
import type { Actor } from '@/lib/auth/actor';
import { getActorByUserId } from '@/lib/data/users';

/** The signed-in actor, or null. Reads the session cookie, then the user's current role from the database. */
export async function getActor(): Promise<Actor | null> {
  const session = await getServerSession(authOptions);
  const userId = session?.user?.id;
  if (!userId) return null;
  return getActorByUserId({ userId });
}

/** For pages: the signed-in actor, or a redirect to the sign-in page. */
export async function requireActor(): Promise<Actor> {
  const actor = await getActor();
  if (!actor) redirect('/sign-in');
  return actor;
}
