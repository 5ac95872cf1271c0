import type { IncomingHttpHeaders } from 'node:http';
import { parseAndValidateFlightRouterState } from 'next/dist/server/app-render/parse-and-validate-flight-router-state';

/**
 * Why Next.js could not read a request, which it would answer with a 500 before any of our code runs; null
 * when it can. A path whose percent-encoding does not decode (a dynamic route's parameter is decoded), or a
 * router state header (sent by the client router on navigations) that Next's own check refuses.
 */
export function malformedRequestReason(request: { url?: string; headers: IncomingHttpHeaders }): string | null {
  const path = request.url?.split('?', 1)[0];
  if (path === undefined) return 'The request has no path.';
  try {
    decodeURIComponent(path);
  } catch {
    return 'The request path is not valid percent-encoding.';
  }
  const state = request.headers['next-router-state-tree'];
  if (state !== undefined) {
    try {
      parseAndValidateFlightRouterState(state);
    } catch {
      return 'The Next-Router-State-Tree header cannot be read.';
    }
  }
  return null;
}
