'use client';

import { useEffect, useState, useSyncExternalStore } from 'react';

const noop = () => () => {};
const useIsClient = () =>
  useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );

// Building an Intl formatter costs far more than formatting with one, and a list renders a few timestamps per
// row: each formatter is made once. The browser's locale and time zone do not change while the page is open.
const utcFormat = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
let localFormat: Intl.DateTimeFormat | undefined;
const relativeFormats = new Map<string | undefined, Intl.RelativeTimeFormat>();

function absolute(date: Date, isClient: boolean): string {
  if (!isClient) return `${utcFormat.format(date)} UTC`;
  localFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return localFormat.format(date);
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
  let format = relativeFormats.get(locale);
  if (!format) relativeFormats.set(locale, (format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' })));
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
