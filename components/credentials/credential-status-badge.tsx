import { Badge } from '@/components/ui/badge';
import type { CredentialRow } from './credential-row';

const LOOK = {
  ACTIVE: { tone: 'green', dot: 'bg-emerald-500', label: 'Active' },
  DISABLED: { tone: 'gray', dot: 'bg-slate-400', label: 'Disabled' },
  EXPIRED: { tone: 'red', dot: 'bg-red-500', label: 'Expired' },
} as const;

export function CredentialStatusBadge({ status }: { status: CredentialRow['displayStatus'] }) {
  const look = LOOK[status];
  return (
    <Badge tone={look.tone}>
      <span className={`size-1.5 rounded-full ${look.dot}`} aria-hidden />
      {look.label}
    </Badge>
  );
}
