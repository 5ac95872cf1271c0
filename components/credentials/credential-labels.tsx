import { Badge } from '@/components/ui/badge';
import { KIND_WORDS } from '@/lib/credentials/credential-kinds';
import type { CredentialKind } from '@/lib/credentials/lifecycle';
import { cn } from '@/lib/utils';

/** The scopes a credential may request, as small badges ("sdk" "api"). */
export function ScopeBadges({ scopes, className }: { scopes: readonly string[]; className?: string }) {
  return (
    <span className={cn('inline-flex flex-nowrap gap-1', className)}>
      <span className="sr-only">Scopes: </span>
      {scopes.map((scope) => (
        <Badge key={scope} tone="indigo" className="font-mono">
          {scope}
        </Badge>
      ))}
    </span>
  );
}

/** The kind of a credential in words, under its name in a list. */
export function KindLabel({ kind, className }: { kind: CredentialKind; className?: string }) {
  return (
    <span className={cn('text-xs font-medium tracking-wide text-slate-500 uppercase', className)}>
      {KIND_WORDS[kind].label}
    </span>
  );
}
