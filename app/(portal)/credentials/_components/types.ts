import type { SecretListItem } from '@/lib/data/secrets';

/** A secret as the client components receive it: dates as ISO strings. */
export type SecretRow = Omit<SecretListItem, 'createdAt' | 'activatedAt' | 'lastUsedAt' | 'expiresAt' | 'deactivateAt'> & {
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  deactivateAt: string | null;
  displayStatus: 'ACTIVE' | 'DISABLED' | 'EXPIRED';
  expiresSoon: boolean;
};
