'use client';

import { useSyncExternalStore } from 'react';

const noop = () => () => {};

/**
 * A timestamp in the reader's own time zone and locale. The server renders it
 * in UTC (it cannot know the reader's zone); the browser re-renders it locally.
 */
export function LocalTime({ iso }: { iso: string }) {
  const isClient = useSyncExternalStore(noop, () => true, () => false);
  const date = new Date(iso);
  const text = new Intl.DateTimeFormat(isClient ? undefined : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: isClient ? undefined : 'UTC',
  }).format(date);
  return (
    <time dateTime={iso} title={date.toISOString()}>
      {isClient ? text : `${text} UTC`}
    </time>
  );
}
