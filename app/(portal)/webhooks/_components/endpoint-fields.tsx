'use client';

import { Field } from '@/components/ui/input';
import type { EventType } from '@/lib/events/catalogue';
import { EventTypeFields, eventTypesOf } from './event-type-fields';

/** What the add and edit forms ask: the URL, the events, a description. */
export interface EndpointFormOptions {
  eventTypes: readonly EventType[];
  descriptionMax: number;
}

/** The form's values as its action takes them. */
export function endpointFormOf(form: FormData) {
  return {
    url: String(form.get('url') ?? ''),
    description: String(form.get('description') ?? ''),
    eventTypes: eventTypesOf(form),
  };
}

export function EndpointFields({
  idPrefix,
  options,
  initial,
  fieldErrors,
}: {
  idPrefix: string;
  options: EndpointFormOptions;
  initial?: { url: string; description: string | null; eventTypes: string[] };
  fieldErrors: Record<string, string>;
}) {
  return (
    <>
      <Field
        id={`${idPrefix}-url`}
        name="url"
        label="Endpoint URL"
        inputMode="url"
        placeholder="https://example.com/webhooks"
        defaultValue={initial?.url}
        mono
        error={fieldErrors.url}
      />
      <EventTypeFields
        types={options.eventTypes}
        initial={initial?.eventTypes}
        idPrefix={idPrefix}
        error={fieldErrors.eventTypes}
      />
      <Field
        id={`${idPrefix}-description`}
        name="description"
        label="Description"
        optional
        maxLength={options.descriptionMax}
        placeholder="e.g. Alerts to the on-call channel"
        defaultValue={initial?.description ?? undefined}
        className="mt-2"
        error={fieldErrors.description}
      />
    </>
  );
}
