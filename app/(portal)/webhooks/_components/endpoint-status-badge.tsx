import { Badge } from '@/components/ui/badge';
import type { EndpointStatus } from '@/lib/data/webhook-endpoints';

const LOOK = {
  enabled: { tone: 'green', dot: 'bg-emerald-500', label: 'Enabled' },
  disabled: { tone: 'gray', dot: 'bg-slate-400', label: 'Disabled' },
  failing: { tone: 'red', dot: 'bg-red-500', label: 'Disabled: failing' },
} as const;

export function EndpointStatusBadge({ status }: { status: EndpointStatus }) {
  const look = LOOK[status];
  return (
    <Badge tone={look.tone} className="whitespace-nowrap">
      <span className={`size-1.5 rounded-full ${look.dot}`} aria-hidden />
      {look.label}
    </Badge>
  );
}
