import { Badge } from '@/components/ui/badge';
import type { SecretListItem } from '@/lib/data/secrets';

export function SecretStatusBadge({ status }: { status: SecretListItem['status'] }) {
  return status === 'ACTIVE' ? (
    <Badge tone="green">
      <span className="size-1.5 rounded-full bg-emerald-500" aria-hidden />
      Active
    </Badge>
  ) : (
    <Badge tone="gray">
      <span className="size-1.5 rounded-full bg-slate-400" aria-hidden />
      Disabled
    </Badge>
  );
}
