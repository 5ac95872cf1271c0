'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';

const noop = () => () => {};
const useIsClient = () =>
  useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );

function absolute(date: Date, isClient: boolean): string {
  const text = new Intl.DateTimeFormat(isClient ? undefined : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: isClient ? undefined : 'UTC',
  }).format(date);
  return isClient ? text : `${text} UTC`;
}

/**
 * A timestamp in the reader's own time zone and locale. The server renders it
 * in UTC (it cannot know the reader's zone); the browser re-renders it locally.
 */
export function LocalTime({ iso }: { iso: string }) {
  const isClient = useIsClient();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={date.toISOString()}>
      {absolute(date, isClient)}
    </time>
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

export function relativeText(date: Date, now: number, locale?: string): string {
  const seconds = Math.round((date.getTime() - now) / 1000);
  if (Math.abs(seconds) < 45) return 'just now';
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'minute') return format.format(Math.round(seconds / size), unit);
  }
  return 'just now';
}

/** "3 minutes ago", kept current, with the exact local time on hover. */
export function RelativeTime({ iso }: { iso: string }) {
  const isClient = useIsClient();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={absolute(date, isClient)}>
      {isClient ? relativeText(date, now) : absolute(date, false)}
    </time>
  );
}
