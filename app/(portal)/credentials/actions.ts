'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getActor } from '@/lib/auth/session';
import { activateSecret, createSecret, deactivateSecret, deleteSecret } from '@/lib/data/secrets';
import type { CommandResult } from '@/lib/data/result';

export type ActionResult<T = object> = ({ ok: true } & T) | { ok: false; message: string };

const SIGNED_OUT = { ok: false, message: 'Your session has ended. Sign in again to continue.' } as const;
const secretIdSchema = z.object({ secretId: z.uuid() }).strict();

/**
 * Creates a secret and returns its value: the one place the plaintext ever
 * appears. It is not logged, not stored and not put in any cache.
 */
export async function createSecretAction(): Promise<ActionResult<{ secret: { id: string; preview: string }; plaintext: string }>> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const result = await createSecret({ actor });
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath('/credentials');
  return { ok: true, plaintext: result.plaintext, secret: { id: result.secret.id, preview: result.secret.preview } };
}

type SecretCommand = (input: { actor: NonNullable<Awaited<ReturnType<typeof getActor>>>; secretId: string }) => Promise<CommandResult>;

async function runSecretCommand(command: SecretCommand, input: unknown): Promise<ActionResult> {
  const actor = await getActor();
  if (!actor) return SIGNED_OUT;
  const parsed = secretIdSchema.safeParse(input);
  // A malformed id is reported like an unknown one: nothing to learn from the difference.
  if (!parsed.success) return { ok: false, message: 'This secret no longer exists. Reload the page to see the current list.' };
  const result = await command({ actor, secretId: parsed.data.secretId });
  if (!result.ok) return { ok: false, message: result.message };
  revalidatePath('/credentials');
  return { ok: true };
}

export async function activateSecretAction(input: unknown): Promise<ActionResult> {
  return runSecretCommand(activateSecret, input);
}

export async function deactivateSecretAction(input: unknown): Promise<ActionResult> {
  return runSecretCommand(deactivateSecret, input);
}

export async function deleteSecretAction(input: unknown): Promise<ActionResult> {
  return runSecretCommand(deleteSecret, input);
}
