'use client';

import { Loader2, Plus } from 'lucide-react';
import { useState, useTransition } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { createSecretAction } from '../actions';
import { SecretCreatedDialog, type CreatedSecret } from './secret-created-dialog';

/** Creates the secret at once (one click, as the product documentation describes) and shows it in a dialog. */
export function AddSecretButton() {
  const [pending, startTransition] = useTransition();
  const [created, setCreated] = useState<CreatedSecret | null>(null);

  function addSecret() {
    startTransition(async () => {
      const result = await createSecretAction().catch(() => ({
        ok: false as const,
        message: 'The portal could not be reached. Check your connection and try again.',
      }));
      if (result.ok) setCreated({ preview: result.secret.preview, value: result.plaintext });
      else toast.error(result.message);
    });
  }

  return (
    <>
      <Button onClick={addSecret} disabled={pending} aria-busy={pending} className="sm:self-auto">
        {pending ? <Loader2 className="size-4 animate-spin" aria-hidden /> : <Plus className="size-4" aria-hidden />}
        Add Secret
      </Button>
      {/* Closing drops the only copy of the value the browser has. */}
      <SecretCreatedDialog secret={created} onClose={() => setCreated(null)} />
    </>
  );
}
