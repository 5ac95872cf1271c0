'use client';

import { toast } from 'sonner';
import { useDialogAction } from '@/components/actions/use-dialog-action';
import { FormDialog } from '@/components/ui/form-dialog';
import { updateEndpointAction } from '../actions';
import { EndpointFields, endpointFormOf, type EndpointFormOptions } from './endpoint-fields';

export interface EditableEndpoint {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
}

/** Changes where an endpoint's events go and which ones; its signing secret stays. */
export function EditEndpointDialog({
  endpoint,
  options,
  open,
  onOpenChange,
}: {
  endpoint: EditableEndpoint;
  options: EndpointFormOptions;
  open: boolean;
  onOpenChange: (open: boolean) => void;
}) {
  const { pending, error, run } = useDialogAction(open);
  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      title="Edit endpoint"
      description="Change where this endpoint's events go and which ones. Its signing secret stays the same."
      submitLabel="Save changes"
      pending={pending}
      error={error}
      onSubmit={(form) =>
        run(
          () => updateEndpointAction({ endpointId: endpoint.id, ...endpointFormOf(form) }),
          () => {
            toast.success('Endpoint saved.');
            onOpenChange(false);
          },
        )
      }
    >
      <EndpointFields
        idPrefix={`edit-${endpoint.id}`}
        options={options}
        initial={endpoint}
        fieldErrors={error?.fieldErrors ?? {}}
      />
    </FormDialog>
  );
}
