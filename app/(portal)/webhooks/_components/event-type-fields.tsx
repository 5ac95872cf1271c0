'use client';

import { useState } from 'react';
import { FieldError } from '@/components/ui/input';
import { EVENT_CATALOGUE, type EventType } from '@/lib/events/catalogue';

/** The event types chosen in a form, as its checkboxes send them. */
export function eventTypesOf(form: FormData): string[] {
  return form.getAll('eventTypes').map(String);
}

/**
 * Which events an endpoint receives: "All events" (the default, which also covers types added later) or the
 * types checked one by one. Each type is named by its wire name and described by the catalogue's summary.
 */
export function EventTypeFields({
  types,
  initial = [],
  idPrefix,
  error,
}: {
  types: readonly EventType[];
  /** The types chosen so far; none means all. */
  initial?: readonly string[];
  idPrefix: string;
  error?: string;
}) {
  const [chosen, setChosen] = useState<Set<string>>(() => new Set(initial.length ? initial : types));
  const all = chosen.size === types.length;
  const errorId = `${idPrefix}-event-types-error`;

  function toggle(type: string) {
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(type)) next.delete(type);
      else next.add(type);
      return next;
    });
  }

  return (
    <fieldset aria-describedby={errorId} className="mt-2">
      <legend className="text-sm font-medium text-slate-700">Events</legend>
      <label className="mt-2 flex items-center gap-2.5 text-sm font-medium text-slate-900">
        <input
          type="checkbox"
          checked={all}
          ref={(box) => {
            if (box) box.indeterminate = !all && chosen.size > 0;
          }}
          onChange={() => setChosen(all ? new Set() : new Set(types))}
          aria-invalid={!!error}
        />
        All events
        <span className="font-normal text-slate-500">(including types added later)</span>
      </label>
      <ul className="mt-2 max-h-64 space-y-1 overflow-y-auto rounded-md p-1 ring-1 ring-slate-200">
        {types.map((type) => (
          <li key={type}>
            <label className="flex items-start gap-2.5 rounded px-2 py-1.5 text-sm hover:bg-slate-50">
              <input
                type="checkbox"
                name="eventTypes"
                value={type}
                checked={chosen.has(type)}
                onChange={() => toggle(type)}
                aria-labelledby={`${idPrefix}-${type}-name`}
                aria-describedby={`${idPrefix}-${type}-summary`}
                aria-invalid={!!error}
                className="mt-0.5"
              />
              <span className="min-w-0">
                <span id={`${idPrefix}-${type}-name`} className="block font-mono text-xs font-medium text-slate-900">
                  {type}
                </span>
                <span id={`${idPrefix}-${type}-summary`} className="block text-xs text-slate-600">
                  {EVENT_CATALOGUE[type].summary}
                </span>
              </span>
            </label>
          </li>
        ))}
      </ul>
      <FieldError id={errorId} message={error} />
    </fieldset>
  );
}
