import type autocannon from 'autocannon';

/** An autocannon result's answers per status code. */
export function statusCounts(result: autocannon.Result): Record<string, number> {
  const stats = (result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {};
  return Object.fromEntries(Object.entries(stats).map(([code, s]) => [code, s.count]));
}

/** One JSON line of a benchmark phase; any status outside `expected` counts as an error. */
export function summary(phase: string, result: autocannon.Result, expected: number[]) {
  const counts = statusCounts(result);
  const unexpected = Object.entries(counts)
    .filter(([code]) => !expected.includes(Number(code)))
    .reduce((n, [, count]) => n + count, 0);
  return {
    phase,
    connections: result.connections,
    seconds: result.duration,
    requests_per_s: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.errors + result.timeouts + unexpected,
    status_counts: counts,
  };
}
