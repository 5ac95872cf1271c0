/** A small bar chart in SVG: one bar per bucket, each with its count and time as a tooltip and in the table for screen readers. */
export function UsageChart({
  title,
  points,
  label,
}: {
  title: string;
  points: { start: Date; count: number }[];
  label: (start: Date) => string;
}) {
  const max = Math.max(1, ...points.map((p) => p.count));
  const total = points.reduce((sum, p) => sum + p.count, 0);
  const width = 600;
  const height = 120;
  const gap = 2;
  const barWidth = width / points.length - gap;
  return (
    <figure className="min-w-0">
      <figcaption className="flex items-baseline justify-between text-sm">
        <span className="font-medium text-slate-900">{title}</span>
        <span className="text-slate-500">{total.toLocaleString('en-US')} tokens</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="mt-2 h-28 w-full"
        preserveAspectRatio="none"
        role="img"
        aria-label={`${title}: ${total} tokens`}
      >
        <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} className="stroke-slate-200" />
        {points.map((point, index) => {
          const barHeight = point.count === 0 ? 0 : Math.max(2, (point.count / max) * (height - 4));
          return (
            <rect
              key={point.start.toISOString()}
              x={index * (barWidth + gap)}
              y={height - barHeight}
              width={barWidth}
              height={barHeight}
              rx={1.5}
              className="fill-indigo-500"
            >
              <title>{`${label(point.start)}: ${point.count.toLocaleString('en-US')}`}</title>
            </rect>
          );
        })}
      </svg>
      <div className="mt-1 flex justify-between text-xs text-slate-500">
        <span>{points[0] ? label(points[0].start) : ''}</span>
        <span>{points.at(-1) ? label(points.at(-1)!.start) : ''}</span>
      </div>
    </figure>
  );
}
