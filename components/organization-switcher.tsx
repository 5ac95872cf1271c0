'use client';

import { Check, ChevronsUpDown } from 'lucide-react';
import { useRouter } from 'next/navigation';
import { useId, useTransition } from 'react';
import { toast } from 'sonner';
import { switchOrganizationAction } from '@/app/(portal)/actions';
import { UNREACHABLE } from '@/components/actions/unreachable';
import { Button } from '@/components/ui/button';
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuTrigger,
} from '@/components/ui/dropdown-menu';

export interface OrganizationChoice {
  id: string;
  name: string;
}

/**
 * For people in several organizations: the one this session works in, and the others to switch to. Choosing
 * one asks the server to move the session there (it checks the membership) and opens that organization's
 * Credentials.
 */
export function OrganizationSwitcher({
  current,
  others,
  onSwitched,
}: {
  current: OrganizationChoice;
  others: OrganizationChoice[];
  onSwitched?: () => void;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const labelId = useId();
  const valueId = useId();

  const choose = (organization: OrganizationChoice) =>
    startTransition(async () => {
      const result = await switchOrganizationAction({ organizationId: organization.id }).catch(() => UNREACHABLE);
      if (!result.ok) {
        toast.error(result.message);
        return;
      }
      onSwitched?.();
      router.push('/credentials');
      router.refresh();
    });

  return (
    <div className="px-2">
      <p id={labelId} className="text-xs font-semibold tracking-wide text-slate-500 uppercase">
        Organization
      </p>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button
            variant="secondary"
            aria-labelledby={`${labelId} ${valueId}`}
            disabled={pending}
            className="mt-2 w-full justify-between"
          >
            <span id={valueId} className="truncate">
              {current.name}
            </span>
            <ChevronsUpDown className="size-4 text-slate-500" aria-hidden />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="start" className="w-max max-w-80 min-w-(--radix-dropdown-menu-trigger-width)">
          <DropdownMenuItem disabled className="font-medium text-slate-900 data-[disabled]:opacity-100">
            <Check className="size-4" aria-hidden />
            <span className="truncate">{current.name}</span>
          </DropdownMenuItem>
          {others.map((organization) => (
            <DropdownMenuItem key={organization.id} onSelect={() => choose(organization)} className="pl-8">
              <span className="truncate">{organization.name}</span>
            </DropdownMenuItem>
          ))}
        </DropdownMenuContent>
      </DropdownMenu>
    </div>
  );
}
