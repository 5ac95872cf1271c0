import type { CredentialListItem } from '@/lib/data/credential-queries';
import { EXPIRY_WARNING_DAYS, displayStatus } from '@/lib/credentials/rules';
import { credentialNow } from '@/lib/credentials/test-clock';

/** A secret as the client components receive it: dates as ISO strings. */
export type CredentialRow = Omit<
  CredentialListItem,
  'createdAt' | 'activatedAt' | 'lastUsedAt' | 'expiresAt' | 'deactivateAt'
> & {
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  deactivateAt: string | null;
  displayStatus: 'ACTIVE' | 'DISABLED' | 'EXPIRED';
  expiresSoon: boolean;
  /** Its organization's test clock when the page was drawn (only a tenant may have one); null: real time. */
  testClockAt: string | null;
};

/** The row of a credential as of `realNow`, or of its organization's test clock when it has one. */
export function toCredentialRow(
  { activatedAt: _activatedAt, ...secret }: CredentialListItem,
  realNow = Date.now(),
  testClockAt: Date | null = null,
): CredentialRow {
  const now = credentialNow(testClockAt, realNow);
  const expires = secret.expiresAt?.getTime();
  return {
    ...secret,
    createdAt: secret.createdAt.toISOString(),
    lastUsedAt: secret.lastUsedAt?.toISOString() ?? null,
    expiresAt: secret.expiresAt?.toISOString() ?? null,
    deactivateAt: secret.deactivateAt?.toISOString() ?? null,
    displayStatus: displayStatus(secret.status, secret.expiresAt, now),
    expiresSoon: expires !== undefined && expires > now && expires <= now + EXPIRY_WARNING_DAYS * 86_400_000,
    testClockAt: testClockAt?.toISOString() ?? null,
  };
}
