import type { SecretListItem } from '@/lib/data/secret-queries';
import { EXPIRY_WARNING_DAYS, displayStatus } from '@/lib/secrets/rules';

/** A secret as the client components receive it: dates as ISO strings. */
export type SecretRow = Omit<
  SecretListItem,
  'createdAt' | 'activatedAt' | 'lastUsedAt' | 'expiresAt' | 'deactivateAt'
> & {
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  deactivateAt: string | null;
  displayStatus: 'ACTIVE' | 'DISABLED' | 'EXPIRED';
  expiresSoon: boolean;
};

export function toSecretRow({ activatedAt: _activatedAt, ...secret }: SecretListItem, now = Date.now()): SecretRow {
  const expires = secret.expiresAt?.getTime();
  return {
    ...secret,
    createdAt: secret.createdAt.toISOString(),
    lastUsedAt: secret.lastUsedAt?.toISOString() ?? null,
    expiresAt: secret.expiresAt?.toISOString() ?? null,
    deactivateAt: secret.deactivateAt?.toISOString() ?? null,
    displayStatus: displayStatus(secret.status, secret.expiresAt, now),
    expiresSoon: expires !== undefined && expires > now && expires <= now + EXPIRY_WARNING_DAYS * 86_400_000,
  };
}
