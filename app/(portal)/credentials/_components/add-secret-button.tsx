'use client';

import { useRouter } from 'next/navigation';
import { Loader2, Plus } from 'lucide-react';
import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { useReauth } from '@/components/auth/reauth-provider';
import { Button } from '@/components/ui/button';
import { createSecretAction } from '../actions';
import { SecretCreatedDialog, type CreatedSecret } from './secret-created-dialog';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { allowanceText } from '@/lib/credentials/credential-kinds';
import { useAfterRender } from '@/components/actions/use-after-render';

/** Creates the secret at once (one click, as the product documentation describes) and shows it in a dialog. */
export function AddSecretButton({ count, max }: { count: number; max: number }) {
  const ensure = useReauth();
  const router = useRouter();
  const afterRender = useAfterRender();
  const [pending, startTransition] = useTransition();
  const [created, setCreated] = useState<CreatedSecret | null>(null);
  const atLimit = count >= max;

  function addSecret() {
    startTransition(async () => {
      const result = await ensure(() => createSecretAction()).catch(() => UNREACHABLE);
      if (result.ok) {
        setCreated({ ...result.secret, value: result.plaintext });
        // The action does not revalidate, so that the value shows first: the list and the count follow.
        afterRender(() => router.refresh());
      } else toast.error(result.message);
    });
  }

  return (
    <div className="flex flex-col gap-2 sm:flex-row sm:items-center sm:gap-4">
      <p id="secret-allowance" className="text-sm text-slate-600">
        {allowanceText('SECRET', count, max)}
      </p>
      <Button onClick={addSecret} disabled={pending || atLimit} aria-busy={pending} aria-describedby="secret-allowance">
        {pending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <Plus className="size-4" aria-hidden />}
        Add Secret
      </Button>
      {/* Closing drops the only copy of the value the browser has. */}
      <SecretCreatedDialog secret={created} onClose={() => setCreated(null)} />
    </div>
  );
}
