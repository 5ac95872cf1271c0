import { ChevronRight } from 'lucide-react';
import type { ReactNode } from 'react';
import { CopyButton } from '@/components/ui/copy-button';

/** One copyable snippet: a caption, the code, and a Copy button named after it. */
function Snippet({ title, code, copyLabel }: { title: string; code: string; copyLabel: string }) {
  return (
    <figure className="min-w-0">
      <div className="flex items-center justify-between gap-3">
        <figcaption className="text-sm font-medium text-slate-700">{title}</figcaption>
        <CopyButton value={code} label={copyLabel} />
      </div>
      <pre className="mt-2 overflow-x-auto rounded-lg bg-slate-900 px-4 py-3 font-mono text-xs leading-relaxed text-slate-50">
        <code>{code}</code>
      </pre>
    </figure>
  );
}

/** A closed-by-default disclosure, so that the examples stay out of the way until asked for. */
function Example({ summary, children }: { summary: string; children: ReactNode }) {
  return (
    <details className="group border-t border-slate-200">
      <summary className="flex cursor-pointer list-none items-center gap-1.5 px-4 py-3.5 text-sm font-medium text-indigo-700 hover:text-indigo-600 sm:px-6 [&::-webkit-details-marker]:hidden">
        <ChevronRight className="size-4 transition-transform group-open:rotate-90" aria-hidden />
        {summary}
      </summary>
      <div className="space-y-5 px-4 pb-5 sm:px-6">{children}</div>
    </details>
  );
}

/** private_key_jwt: make a key pair, sign an assertion with jose, and send it with curl, for this client. */
export function AssertionExample({ clientId, tokenEndpoint }: { clientId: string; tokenEndpoint: string }) {
  const keys = `# An ES256 key pair: add public-key.pem with "Add public key", keep private-key.pem with your application.
openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out private-key.pem
openssl ec -in private-key.pem -pubout -out public-key.pem`;
  const node = `// make-assertion.mjs (npm install jose): prints a client assertion, valid for 5 minutes and usable once.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { importPKCS8, SignJWT } from 'jose';

const clientId = '${clientId}';
const tokenEndpoint = '${tokenEndpoint}';
const privateKey = await importPKCS8(readFileSync('private-key.pem', 'utf8'), 'ES256');

const assertion = await new SignJWT({})
  .setProtectedHeader({ alg: 'ES256' })
  .setIssuer(clientId)
  .setSubject(clientId)
  .setAudience(tokenEndpoint)
  .setJti(randomUUID())
  .setIssuedAt()
  .setExpirationTime('5m')
  .sign(privateKey);

console.log(assertion);`;
  const curl = `curl -X POST ${tokenEndpoint} \\
  -d grant_type=client_credentials \\
  -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \\
  -d client_assertion=$(node make-assertion.mjs)`;
  return (
    <Example summary="Example: obtain a token with a public key (Node and curl)">
      <p className="text-sm text-slate-600">
        Your application proves it holds the private key by signing a short-lived assertion for each token request.
        Activate the public key first.
      </p>
      <Snippet title="Make a key pair" code={keys} copyLabel="Copy key pair commands" />
      <Snippet title="Sign an assertion with jose (Node.js)" code={node} copyLabel="Copy Node.js example" />
      <Snippet title="Request a token with curl" code={curl} copyLabel="Copy curl example" />
    </Example>
  );
}

/** Token exchange for a trusted workload: a GitHub Actions step that trades its OIDC token for an access token. */
export function TokenExchangeExample({
  clientId,
  tokenEndpoint,
  audience,
}: {
  clientId: string;
  tokenEndpoint: string;
  audience: string;
}) {
  const github = `# In a GitHub Actions job with "permissions: id-token: write": the job's token, for your audience.
TOKEN=$(curl -s -H "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" \\
  "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=${encodeURIComponent(audience)}" | jq -r .value)`;
  const curl = `curl -X POST ${tokenEndpoint} \\
  -d grant_type=urn:ietf:params:oauth:grant-type:token-exchange \\
  -d client_id=${clientId} \\
  -d subject_token=$TOKEN \\
  -d subject_token_type=urn:ietf:params:oauth:token-type:jwt`;
  return (
    <Example summary="Example: exchange a workload's token with curl">
      <p className="text-sm text-slate-600">
        The workload sends the token its platform issued it; if the issuer, audience and subject match an active trusted
        workload, it gets an access token for this account.
      </p>
      <Snippet title="Get the workload's token (GitHub Actions)" code={github} copyLabel="Copy GitHub Actions step" />
      <Snippet title="Exchange it for an access token" code={curl} copyLabel="Copy token exchange example" />
    </Example>
  );
}
