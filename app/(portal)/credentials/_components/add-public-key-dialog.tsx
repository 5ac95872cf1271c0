'use client';

import { KeySquare } from 'lucide-react';
import { useState } from 'react';
import { toast } from 'sonner';
import { Button } from '@/components/ui/button';
import { FormDialog } from '@/components/ui/form-dialog';
import { Field, FieldError } from '@/components/ui/input';
import { RadioCards } from '@/components/ui/radio-cards';
import { Textarea } from '@/components/ui/textarea';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { createPublicKeyAction } from '../actions';
import { ScopeFields, scopesOf } from './scope-fields';
import { allowanceText } from '@/lib/credentials/credential-kinds';

const SOURCES = [
  { value: 'key', label: 'Paste a key' },
  { value: 'jwksUrl', label: 'Fetch from a URL' },
] as const;
type Source = (typeof SOURCES)[number]['value'];

/**
 * Adds a public key for private_key_jwt: pasted (JWK or PEM), or the URL of a JWKS that the token endpoint
 * fetches, so that the customer rotates keys without coming back here. Created disabled, like a secret.
 */
export function AddPublicKeyButton({ count, max }: { count: number; max: number }) {
  const [open, setOpen] = useState(false);
  const { pending, error, setError, run } = useDialogAction(open);
  const [source, setSource] = useState<Source>('key');
  const atLimit = count >= max;
  const fieldErrors = error?.fieldErrors ?? {};

  return (
    <>
      <Button
        variant="secondary"
        onClick={() => {
          // A dialog opens without the choice of its last use.
          setSource('key');
          setOpen(true);
        }}
        disabled={atLimit}
        aria-describedby="public-key-allowance"
      >
        <KeySquare className="size-4" aria-hidden />
        Add public key
      </Button>
      <span id="public-key-allowance" className="sr-only">
        {allowanceText('PUBLIC_KEY', count, max)}
      </span>
      <FormDialog
        open={open}
        onOpenChange={setOpen}
        title="Add public key"
        description={
          <>
            Your application signs a short-lived assertion with its private key (
            <span className="font-mono">private_key_jwt</span>
            ); no secret is ever shared. ES256, EdDSA (Ed25519) and RS256 (2048 bits or more) keys are accepted. The key
            is added disabled: activate it from its row.
          </>
        }
        submitLabel="Add key"
        pending={pending}
        error={error}
        onSubmit={(form) =>
          run(
            () =>
              createPublicKeyAction({
                name: String(form.get('name') ?? ''),
                source,
                key: String(form.get('key') ?? ''),
                jwksUrl: String(form.get('jwksUrl') ?? ''),
                scopes: scopesOf(form),
              }),
            (result) => {
              if (result.warning)
                toast.warning(
                  `Public key ${result.credential.name} added, but its JWKS URL did not work just now: ${result.warning} Assertions are refused until it does.`,
                );
              else toast.success(`Public key ${result.credential.name} added. Activate it to use it.`);
              setOpen(false);
            },
          )
        }
      >
        <Field
          id="public-key-name"
          name="name"
          label="Name"
          optional
          maxLength={64}
          placeholder="e.g. Payments service"
          error={fieldErrors.name}
        />

        <RadioCards
          legend="Where the key comes from"
          name="source"
          options={SOURCES}
          value={source}
          onChange={(value) => {
            setSource(value);
            setError(null);
          }}
          className="mt-2"
        />

        {source === 'key' ? (
          <div className="mt-3">
            <label htmlFor="public-key-text" className="block text-sm font-medium text-slate-700">
              Public key (JWK or PEM)
            </label>
            <Textarea
              id="public-key-text"
              name="key"
              rows={6}
              spellCheck={false}
              autoComplete="off"
              placeholder={
                '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE…\n-----END PUBLIC KEY-----'
              }
              className="mt-1.5 font-mono text-xs"
              aria-invalid={!!fieldErrors.key}
              aria-describedby="public-key-text-hint public-key-text-error"
            />
            <p id="public-key-text-hint" className="mt-1.5 text-xs text-slate-500">
              Paste the public half only. A JWK, a key set with one key, a PEM public key or a certificate.
            </p>
            <FieldError id="public-key-text-error" message={fieldErrors.key} />
          </div>
        ) : (
          <Field
            id="public-key-url"
            name="jwksUrl"
            label="JWKS URL"
            inputMode="url"
            placeholder="https://keys.example.com/.well-known/jwks.json"
            hint="An https URL serving your key set. The token endpoint fetches it, keeps it for 10 minutes and fetches it again when an assertion names a key it does not know, so you can rotate keys without coming back here."
            error={fieldErrors.jwksUrl}
            className="mt-3"
          />
        )}

        <ScopeFields idPrefix="public-key" error={fieldErrors.scopes} className="mt-2" />
      </FormDialog>
    </>
  );
}
