import { REASON_CATALOGUE, type RefusalReason } from '@/lib/request-log/reasons';

const HOUR = 3_600_000;
const HOURS = 24;

/** The most frequent reasons get a colour each (fill for the bars, background for the legend); the rest share grey. */
const PALETTE = [
  { fill: 'fill-red-500', swatch: 'bg-red-500' },
  { fill: 'fill-amber-500', swatch: 'bg-amber-500' },
  { fill: 'fill-indigo-500', swatch: 'bg-indigo-500' },
  { fill: 'fill-sky-500', swatch: 'bg-sky-500' },
  { fill: 'fill-fuchsia-500', swatch: 'bg-fuchsia-500' },
] as const;
const OTHER = { fill: 'fill-slate-400', swatch: 'bg-slate-400' };

const hourLabel = (start: Date) => `${start.toISOString().slice(11, 16)} UTC`;

/**
 * Refusals per hour over the last 24 hours, stacked by reason, in SVG like UsageChart. The legend gives each
 * reason's total in words, and the image's name sums it up, so the chart reads without seeing it.
 */
export function RefusalsChart({
  buckets,
  now,
}: {
  buckets: readonly { start: Date; reason: RefusalReason; count: number }[];
  now: Date;
}) {
  const last = Math.floor(now.getTime() / HOUR) * HOUR;
  const starts = Array.from({ length: HOURS }, (_, index) => last - (HOURS - 1 - index) * HOUR);
  const shown = buckets.filter((bucket) => bucket.start.getTime() >= starts[0]!);
  const totals = new Map<RefusalReason, number>();
  for (const bucket of shown) totals.set(bucket.reason, (totals.get(bucket.reason) ?? 0) + bucket.count);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1]);
  const colourOf = new Map(ranked.map(([reason], index) => [reason, PALETTE[index] ?? OTHER]));
  const total = ranked.reduce((sum, [, count]) => sum + count, 0);

  const perHour = starts.map((start) => {
    const inHour = shown.filter((bucket) => bucket.start.getTime() === start);
    // Stacked in the legend's order, most frequent at the bottom.
    inHour.sort((a, b) => (totals.get(b.reason) ?? 0) - (totals.get(a.reason) ?? 0));
    return { start: new Date(start), parts: inHour, count: inHour.reduce((sum, bucket) => sum + bucket.count, 0) };
  });
  const max = Math.max(1, ...perHour.map((hour) => hour.count));
  const width = 600;
  const height = 120;
  const gap = 2;
  const barWidth = width / HOURS - gap;
  const summary =
    total === 0
      ? 'Refusals by reason, last 24 hours: none.'
      : `Refusals by reason, last 24 hours: ${total.toLocaleString('en-US')} in total; ${ranked
          .map(([reason, count]) => `${REASON_CATALOGUE[reason].label} ${count.toLocaleString('en-US')}`)
          .join(', ')}.`;

  return (
    <figure className="min-w-0">
      <figcaption className="flex items-baseline justify-between gap-4 text-sm">
        <span className="font-medium text-slate-900">Refusals by reason, last 24 hours</span>
        <span className="shrink-0 text-slate-500">
          {total.toLocaleString('en-US')} {total === 1 ? 'refusal' : 'refusals'}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="mt-2 h-28 w-full"
        preserveAspectRatio="none"
        role="img"
        aria-label={summary}
      >
        <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="stroke-slate-200" />
        {perHour.map((hour, index) => {
          let top = height;
          return hour.parts.map((part) => {
            const partHeight = Math.max(2, (part.count / max) * (height - 4));
            top -= partHeight;
            return (
              <rect
                key={`${hour.start.toISOString()}-${part.reason}`}
                x={index * (barWidth + gap)}
                y={top}
                width={barWidth}
                height={partHeight}
                className={colourOf.get(part.reason)?.fill ?? OTHER.fill}
              >
                <title>{`${hourLabel(hour.start)}: ${REASON_CATALOGUE[part.reason].label} ${part.count.toLocaleString('en-US')}`}</title>
              </rect>
            );
          });
        })}
      </svg>
      <div className="mt-1 flex justify-between text-xs text-slate-500">
        <span>{hourLabel(perHour[0]!.start)}</span>
        <span>{hourLabel(perHour.at(-1)!.start)}</span>
      </div>
      {total === 0 ? (
        <p className="mt-3 text-sm text-slate-600">No refusals in the last 24 hours.</p>
      ) : (
        <ul aria-label="Refusals by reason" className="mt-3 flex flex-wrap gap-x-4 gap-y-1.5 text-sm">
          {ranked.map(([reason, count]) => (
            <li key={reason} className="flex items-center gap-1.5 text-slate-700">
              <span aria-hidden className={`size-2.5 rounded-sm ${colourOf.get(reason)?.swatch ?? OTHER.swatch}`} />
              {REASON_CATALOGUE[reason].label}{' '}
              <span className="text-slate-500 tabular-nums">{count.toLocaleString('en-US')}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
