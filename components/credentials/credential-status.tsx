import type { ReactNode } from 'react';
import { RelativeTime } from '@/components/local-time';
import { Badge } from '@/components/ui/badge';
import type { CredentialRow } from './credential-row';
import { CredentialStatusBadge } from './credential-status-badge';

/** When a credential last obtained a token: "5 minutes ago", or "Never". */
export function LastUsed({ iso }: { iso: string | null }) {
  return iso ? <RelativeTime iso={iso} /> : 'Never';
}

/**
 * A row's status column: the status, what the list adds under it (`children`), and an amber "Expires in …"
 * when the expiry is near.
 */
export function CredentialStatusCell({ credential, children }: { credential: CredentialRow; children?: ReactNode }) {
  return (
    <div className="flex flex-col items-start gap-1">
      <CredentialStatusBadge status={credential.displayStatus} />
      {children}
      {credential.expiresSoon && (
        <Badge tone="amber">
          Expires <RelativeTime iso={credential.expiresAt!} />
        </Badge>
      )}
    </div>
  );
}
